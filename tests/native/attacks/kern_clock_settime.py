# expect: killed
# kill: seccomp
# why: clock_settime(CLOCK_REALTIME)
ts = (ctypes.c_long * 2)(0, 0)
expect_fail('clock_settime', 0, ts)
