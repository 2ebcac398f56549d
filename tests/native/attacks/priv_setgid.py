# expect: killed
# kill: seccomp
# why: setgid(0)
expect_fail('setgid', 0)
