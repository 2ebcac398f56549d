# expect: killed
# kill: seccomp
# why: waitid(P_ALL): collecting someone else's children
info = ctypes.create_string_buffer(128)
expect_fail('waitid', 0, 0, info, 4 | 0x1000000, None)
