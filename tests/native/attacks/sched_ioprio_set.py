# expect: killed
# kill: seccomp
# why: ioprio_set(IOPRIO_WHO_PROCESS, victim, idle class)
expect_fail('ioprio_set', 1, VICTIM, 3 << 13)
