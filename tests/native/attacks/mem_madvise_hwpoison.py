# expect: ok|killed
# why: madvise is allowed for its usual advice (others EPERM); MADV_HWPOISON / MADV_SOFT_OFFLINE need CAP_SYS_ADMIN in the
#      initial namespace and must fail (the child's user namespace gives it capabilities)
buf = libc.malloc(3 * 4096)
page = (buf + 4095) & ~4095
for adv in (100, 101):
    r, e = sc('madvise', page, 4096, adv)
    if r == 0:
        breach('madvise(%d) succeeded' % adv)
    print('madvise', adv, 'errno', e)
