# expect: killed
# kill: seccomp
# why: setrlimit(2): raising RLIMIT_CPU
rl = (ctypes.c_uint64 * 2)(2**63, 2**63)
expect_fail('setrlimit', 0, rl)
