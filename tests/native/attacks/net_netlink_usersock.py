# expect: killed
# mode: runner
# kill: seccomp
# why: runs of one template share its empty network namespace (issue 19); NETLINK_USERSOCK lets unprivileged sockets of one namespace message each other: socket(2) must be refused outright
expect_fail('socket', 16, 3, 2)
