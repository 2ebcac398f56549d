# expect: killed
# kill: seccomp
# why: kill(1, SIGTERM)
sc('kill', 1, 15)
breach('kill returned')
