# expect: killed
# kill: seccomp
# why: sched_setscheduler(victim, SCHED_IDLE)
p = ctypes.c_int(0)
expect_fail('sched_setscheduler', VICTIM, 5, ctypes.byref(p))
