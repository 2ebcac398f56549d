# expect: ok|error|killed
# why: finding 1: the same through the control pipe (fd 3), which the parent always reads
F_GETFL, F_SETFL, F_SETOWN, F_SETSIG, O_ASYNC = 3, 4, 8, 10, 0o20000
fd = 3
r1 = sc('fcntl', fd, F_SETOWN, VICTIM)
r2 = sc('fcntl', fd, F_SETSIG, 9)
fl = sc('fcntl', fd, F_GETFL)[0]
r3 = sc('fcntl', fd, F_SETFL, fl | O_ASYNC)
print('setown', r1, 'setsig', r2, 'async', r3, flush=True)
for i in range(50):
    os.write(fd, b'Z\x00\x00\x00\x00')
libc.usleep(100000)
