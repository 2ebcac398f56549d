# expect: killed
# kill: seccomp
# why: open_tree(2): cloning a mount of the host
expect_fail('open_tree', -100, b'/', 1)
