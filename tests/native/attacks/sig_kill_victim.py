# expect: killed
# kill: seccomp
# why: kill(victim, SIGKILL): another process of the uid
sc('kill', VICTIM, 9)
breach('kill returned')
