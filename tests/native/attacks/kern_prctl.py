# expect: killed
# kill: seccomp
# why: prctl(2): PR_SET_DUMPABLE / PR_SET_PDEATHSIG / PR_SET_SECCOMP
sc('prctl', 4, 1, 0, 0, 0)
breach('prctl returned')
