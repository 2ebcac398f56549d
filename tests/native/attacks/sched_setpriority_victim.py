# expect: killed
# kill: seccomp
# why: setpriority(PRIO_PROCESS, victim, 19)
sc('setpriority', 0, VICTIM, 19)
breach('setpriority returned')
