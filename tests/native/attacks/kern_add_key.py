# expect: killed
# kill: seccomp
# why: add_key(2)
expect_fail('add_key', b'user', b'x', b'y', 1, -3)
