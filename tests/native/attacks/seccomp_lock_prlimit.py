# expect: killed
# mode: both
# kill: seccomp
# why: the main filter is attached before the request and allows prlimit64 for the child's own set-up (its limits); the second filter, attached before the program runs, must kill it: raising its own CPU and memory limits
lim = (ctypes.c_uint64 * 2)(1 << 40, 1 << 40)
expect_fail('prlimit64', 0, 0, ctypes.addressof(lim), 0)
