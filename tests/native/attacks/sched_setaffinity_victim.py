# expect: killed
# kill: seccomp
# why: sched_setaffinity(victim)
mask = ctypes.c_uint64(1)
expect_fail('sched_setaffinity', VICTIM, 8, ctypes.byref(mask))
