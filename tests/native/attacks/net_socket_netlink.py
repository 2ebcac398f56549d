# expect: killed
# kill: seccomp
# why: socket(AF_NETLINK, NETLINK_ROUTE)
sc('socket', 16, 3, 0)
breach('socket returned')
