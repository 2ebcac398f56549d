# expect: killed
# kill: seccomp
# why: unshare(2): a fresh user namespace with full capabilities
expect_fail('unshare', 0x10000000)
