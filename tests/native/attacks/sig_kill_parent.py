# expect: killed
# kill: seccomp
# why: kill(getppid(), SIGKILL)
sc('kill', HOST, 9)
breach('kill returned')
