# expect: killed
# kill: seccomp
# why: pivot_root(2)
expect_fail('pivot_root', b'.', b'.')
