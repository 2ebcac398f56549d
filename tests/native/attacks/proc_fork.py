# expect: killed
# kill: seccomp
# why: fork(2)
sc('fork')
breach('fork returned in %d' % os.getpid())
