# expect: killed
# kill: seccomp
# why: socket(AF_NETLINK, NETLINK_ROUTE)
expect_fail('socket', 16, 3, 0)
