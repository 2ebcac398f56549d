# expect: killed
# kill: seccomp
# why: prctl(2): PR_SET_DUMPABLE / PR_SET_PDEATHSIG / PR_SET_SECCOMP
expect_fail('prctl', 4, 1, 0, 0, 0)
