# expect: killed
# mode: both
# kill: seccomp
# why: fork(2)
sc('fork')
breach('fork returned in %d' % os.getpid())
