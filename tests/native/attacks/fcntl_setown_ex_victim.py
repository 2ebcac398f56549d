# expect: ok|error|killed
# why: finding 1: F_SETOWN_EX (F_OWNER_PID) + F_SETSIG SIGKILL + O_ASYNC on stdout
F_GETFL, F_SETFL, F_SETSIG, F_SETOWN_EX, O_ASYNC = 3, 4, 10, 15, 0o20000
owner = (ctypes.c_int * 2)(1, VICTIM)  # struct f_owner_ex {F_OWNER_PID, pid}
r1 = sc('fcntl', 1, F_SETOWN_EX, owner)
r2 = sc('fcntl', 1, F_SETSIG, 9)
fl = sc('fcntl', 1, F_GETFL)[0]
r3 = sc('fcntl', 1, F_SETFL, fl | O_ASYNC)
print('setown_ex', r1, 'setsig', r2, 'async', r3, flush=True)
for i in range(60):
    os.write(1, b'x' * 512 + b'\n')
libc.usleep(100000)
