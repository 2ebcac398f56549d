# expect: killed
# kill: seccomp
# why: prlimit64(2) raising its own limits
rl = (ctypes.c_uint64 * 2)(2**63, 2**63)
expect_fail('prlimit64', 0, 0, rl, None)
