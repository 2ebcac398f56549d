# expect: killed
# kill: seccomp
# why: setgroups(2)
expect_fail('setgroups', 0, None)
