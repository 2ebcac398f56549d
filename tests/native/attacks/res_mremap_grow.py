# expect: ok
# why: growing one mapping to 8 GiB with mremap (allowed for realloc): the memory limit must
#      refuse it
libc.mmap.restype = ctypes.c_void_p
p = libc.mmap(None, 1 << 20, 3, 0x22, -1, 0)
r, e = sc('mremap', p, 1 << 20, 8 << 30, 1)
if r > 0:
    breach('mremap grew a mapping to 8 GiB')
print('mremap refused, errno', e)
