# expect: killed
# kill: seccomp
# why: setuid(0)
sc('setuid', 0)
breach('setuid returned')
