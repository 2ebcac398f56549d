# expect: killed
# kill: seccomp
# why: capset(2): raising capabilities
hdr = (ctypes.c_uint32 * 2)(0x20080522, 0)
data = (ctypes.c_uint32 * 6)(0xffffffff, 0xffffffff, 0xffffffff, 0, 0, 0)
expect_fail('capset', hdr, data)
