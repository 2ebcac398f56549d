# expect: killed
# kill: seccomp
# why: socket(AF_INET)
sc('socket', 2, 1, 0)
breach('socket returned')
