# expect: killed
# kill: seccomp
# why: seccomp(2): a new filter (SECCOMP_RET_USER_NOTIF or TRACE to get around the old one)
prog = (ctypes.c_uint64 * 2)(1, 0)
expect_fail('seccomp', 1, 0, prog)
