# expect: killed
# kill: seccomp
# why: memfd_create + execveat: running a binary from memory
fd, e = sc('memfd_create', b'x', 0)
os.write(fd, b'\x7fELF')
expect_fail('execveat', fd, b'', None, None, 0x1000)
