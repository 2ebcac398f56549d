# expect: killed
# kill: seccomp
# why: kill(0, SIGSTOP): its own group
sc('kill', 0, 19)
breach('kill returned')
