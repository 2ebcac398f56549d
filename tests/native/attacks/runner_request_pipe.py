# expect: ok|error|killed
# mode: runner
# why: a warm child received its request on fd 4: it must be closed before the program runs
#      (no reading of the next request, no writing a forged one)
buf = ctypes.create_string_buffer(4096)
for fd in range(4, 16):
    r, e = sc('read', fd, buf, 4096)
    if r > 0:
        breach('read %d bytes from fd %d' % (r, fd))
    r, e = sc('write', fd, b'x', 1)
    if r > 0:
        breach('wrote to fd %d' % fd)
