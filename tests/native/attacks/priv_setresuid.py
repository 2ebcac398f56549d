# expect: killed
# kill: seccomp
# why: setresuid(0, 0, 0)
sc('setresuid', 0, 0, 0)
breach('setresuid returned')
