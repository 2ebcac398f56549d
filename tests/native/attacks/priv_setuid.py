# expect: killed
# kill: seccomp
# why: setuid(0)
expect_fail('setuid', 0)
