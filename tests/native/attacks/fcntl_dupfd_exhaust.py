# expect: ok|error|killed
# why: F_DUPFD_CLOEXEC in a loop: descriptors are bounded by RLIMIT_NOFILE, the host unharmed
n = 0
while n < 100000:
    r, e = sc('fcntl', 1, 1030, 0)
    if r < 0:
        break
    n += 1
print('dup', n, 'errno', e)
if n > 64:
    breach('%d descriptors' % n)
