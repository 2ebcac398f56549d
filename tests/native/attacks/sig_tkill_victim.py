# expect: killed
# kill: seccomp
# why: tkill(victim, SIGKILL)
sc('tkill', VICTIM, 9)
breach('tkill returned')
