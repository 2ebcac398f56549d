# expect: killed
# kill: seccomp
# why: mmap(PROT_EXEC): new executable memory for shellcode
libc.mmap.restype = ctypes.c_void_p
p = libc.mmap(None, 4096, 7, 0x22, -1, 0)
breach('mmap PROT_EXEC returned %r' % p)
