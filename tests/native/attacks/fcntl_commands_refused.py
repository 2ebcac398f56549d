# expect: ok|error|killed|crashed
# mode: both
# why: the fcntl commands an interpreter never needs must not succeed: F_SETOWN, F_SETOWN_EX,
#      F_SETSIG, O_ASYNC, F_SETLEASE, F_SETPIPE_SZ, F_NOTIFY (each prints BREACH when it works)
F_GETFL, F_SETFL, F_SETOWN, F_SETSIG, F_SETOWN_EX, O_ASYNC = 3, 4, 8, 10, 15, 0o20000
F_SETLEASE, F_NOTIFY, F_SETPIPE_SZ, F_RDLCK = 1024, 1026, 1031, 0
expect_fail('fcntl', 1, F_SETOWN, ME)
expect_fail('fcntl', 2, F_SETSIG, 10)
expect_fail('fcntl', 1, F_SETOWN_EX, (ctypes.c_int * 2)(1, ME))
expect_fail('fcntl', 1, F_SETPIPE_SZ, 1 << 20)
expect_fail('fcntl', 0, F_SETLEASE, F_RDLCK)
expect_fail('fcntl', 0, F_NOTIFY, 1)
fl = sc('fcntl', 1, F_GETFL)[0]
sc('fcntl', 1, F_SETFL, fl | O_ASYNC)
if sc('fcntl', 1, F_GETFL)[0] & O_ASYNC:
    breach('O_ASYNC set on stdout')
