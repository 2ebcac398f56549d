# expect: ok
# why: stdin is a memfd the child holds read-write: writing to it would grow host memory
#      (tmpfs) without bound; RLIMIT_FSIZE 0 must refuse it
total = 0
chunk = b'm' * (1 << 20)
for i in range(64):
    r, e = sc('write', 0, chunk, len(chunk))
    if r <= 0:
        print('write to stdin refused, errno', e)
        break
    total += r
if total > (1 << 20):
    breach('%d bytes written into the stdin memfd' % total)
