# expect: killed
# kill: seccomp
# why: name_to_handle_at/open_by_handle_at (the classic container escape)
h = ctypes.create_string_buffer(136)
expect_fail('name_to_handle_at', -100, b'/', h, ctypes.byref(ctypes.c_int()), 0)
