# expect: killed
# kill: seccomp
# why: getpriority(PRIO_PROCESS, victim): probing for other processes
expect_fail('getpriority', 0, VICTIM)
