# expect: killed
# kill: seccomp
# why: syslog(2): reading the kernel log
buf = ctypes.create_string_buffer(4096)
expect_fail('syslog', 3, buf, 4096)
