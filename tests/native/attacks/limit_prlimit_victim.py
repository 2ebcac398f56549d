# expect: killed
# kill: seccomp
# why: prlimit64(2) on another process
rl = (ctypes.c_uint64 * 2)(0, 0)
expect_fail('prlimit64', VICTIM, 7, rl, None)
