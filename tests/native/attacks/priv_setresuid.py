# expect: killed
# kill: seccomp
# why: setresuid(0, 0, 0)
expect_fail('setresuid', 0, 0, 0)
