# expect: killed
# mode: both
# kill: seccomp
# why: mprotect(PROT_EXEC) of a heap page
buf = libc.malloc(8192)
page = (buf + 4095) & ~4095
expect_fail('mprotect', page, 4096, 7)
