# expect: killed
# kill: seccomp
# why: sched_getaffinity(victim): probing for other processes
m = ctypes.c_uint64()
expect_fail('sched_getaffinity', VICTIM, 8, ctypes.byref(m))
