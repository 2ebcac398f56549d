# expect: ok
# why: ioctl(TIOCSTI) pushing a command into a terminal; every ioctl fails with ENOTTY
c = ctypes.c_char(b'x')
for fd in (0, 1, 2, 3):
    expect_fail('ioctl', fd, 0x5412, ctypes.byref(c))
