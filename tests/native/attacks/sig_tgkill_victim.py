# expect: killed
# kill: seccomp
# why: tgkill(victim, victim, SIGSTOP)
sc('tgkill', VICTIM, VICTIM, 19)
breach('tgkill returned')
