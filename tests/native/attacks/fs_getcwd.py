# expect: ok
# why: getcwd(2): the private directory's name
buf = ctypes.create_string_buffer(4096)
expect_fail('getcwd', buf, 4096)
