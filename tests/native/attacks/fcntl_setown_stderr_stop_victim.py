# expect: ok|error|killed
# why: finding 1: the same through stderr with SIGSTOP: the victim must not be stopped
F_GETFL, F_SETFL, F_SETOWN, F_SETSIG, O_ASYNC = 3, 4, 8, 10, 0o20000
fd = 2
r1 = sc('fcntl', fd, F_SETOWN, VICTIM)
r2 = sc('fcntl', fd, F_SETSIG, 19)
fl = sc('fcntl', fd, F_GETFL)[0]
r3 = sc('fcntl', fd, F_SETFL, fl | O_ASYNC)
print('setown', r1, 'setsig', r2, 'async', r3, flush=True)
for i in range(60):
    os.write(fd, b'e' * 512 + b'\n')
libc.usleep(100000)
