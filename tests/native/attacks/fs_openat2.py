# expect: ok
# why: openat2(2) with a struct open_how
how = (ctypes.c_uint64 * 3)(0, 0, 0)
expect_fail('openat2', -100, HOSTFILE.encode(), how, 24)
