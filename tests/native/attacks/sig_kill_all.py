# expect: killed
# kill: seccomp
# why: kill(-1, SIGKILL): every process the uid may signal
sc('kill', -1, 9)
breach('kill returned')
