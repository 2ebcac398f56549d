# expect: killed
# kill: seccomp
# why: W^X: make a page of libc's code writable (allowed: no PROT_EXEC), patch it, then try to
#      make it executable again
addr = ctypes.cast(libc.getpid, ctypes.c_void_p).value & ~4095
libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
spare = ctypes.cast(libc.sbrk(0), ctypes.c_void_p).value
r, e = sc('mprotect', addr, 4096, 3)
print('rw', r, e, flush=True)
expect_fail('mprotect', addr, 4096, 5)
