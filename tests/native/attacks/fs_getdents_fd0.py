# expect: ok
# why: getdents64(2) on the descriptors the child holds (listing a directory)
buf = ctypes.create_string_buffer(4096)
for fd in (0, 1, 2, 3):
    expect_fail('getdents64', fd, buf, 4096)
