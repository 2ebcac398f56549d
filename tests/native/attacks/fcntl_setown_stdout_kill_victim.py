# expect: ok|error|killed
# mode: both
# why: finding 1: fcntl(1, F_SETOWN, victim) + F_SETSIG SIGKILL + O_ASYNC on the stdout pipe;
#      the parent reading the pipe makes the kernel send SIGKILL to another process of the uid
F_GETFL, F_SETFL, F_SETOWN, F_SETSIG, O_ASYNC = 3, 4, 8, 10, 0o20000
fd = 1
r1 = sc('fcntl', fd, F_SETOWN, VICTIM)
r2 = sc('fcntl', fd, F_SETSIG, 9)
fl = sc('fcntl', fd, F_GETFL)[0]
r3 = sc('fcntl', fd, F_SETFL, fl | O_ASYNC)
print('setown', r1, 'setsig', r2, 'async', r3, flush=True)
for i in range(60):
    os.write(fd, b'x' * 512 + b'\n')
libc.usleep(100000)
