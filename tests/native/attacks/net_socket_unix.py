# expect: killed
# mode: both
# kill: seccomp
# why: socket(AF_UNIX): reaching a host daemon's socket
expect_fail('socket', 1, 1, 0)
