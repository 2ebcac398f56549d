# expect: killed
# kill: seccomp
# why: socket(AF_INET)
expect_fail('socket', 2, 1, 0)
