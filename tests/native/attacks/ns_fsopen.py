# expect: killed
# kill: seccomp
# why: fsopen(2): the new mount API
expect_fail('fsopen', b'tmpfs', 0)
