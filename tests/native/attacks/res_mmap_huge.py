# expect: ok
# why: one huge anonymous mapping (100 GiB, MAP_NORESERVE): the address-space limit
libc.mmap.restype = ctypes.c_void_p
p = libc.mmap(None, 100 << 30, 3, 0x4022, -1, 0)
if p not in (None, 2**64 - 1):
    breach('100 GiB mapped at %#x' % p)
