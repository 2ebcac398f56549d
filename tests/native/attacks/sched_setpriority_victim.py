# expect: killed
# kill: seccomp
# why: setpriority(PRIO_PROCESS, victim, 19)
expect_fail('setpriority', 0, VICTIM, 19)
