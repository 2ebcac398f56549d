# expect: ok|error|killed
# why: F_SETPIPE_SZ: growing the output pipes to hold 1 MiB of unread data
r, e = sc('fcntl', 1, 1031, 1 << 20)
if r >= 0:
    breach('stdout pipe resized to %d' % r)
