# expect: killed
# kill: seccomp
# why: setns(2) into another namespace
expect_fail('setns', 0, 0)
