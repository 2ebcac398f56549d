# expect: killed
# kill: seccomp
# why: socket(AF_UNIX): reaching a host daemon's socket
sc('socket', 1, 1, 0)
breach('socket returned')
