# expect: ok
# mode: both
# why: MADV_MERGEABLE hands the pages to KSM, which merges identical pages of two runs: where KSM is on, the time of a write then tells whether another run holds the same data (a channel between runs). Refused with EPERM; so are MADV_WIPEONFORK, MADV_DONTFORK, MADV_PAGEOUT
buf = ctypes.create_string_buffer(3 * 4096)
page = (ctypes.addressof(buf) + 4095) // 4096 * 4096
for advice in (12, 18, 10, 21):
    r, e = expect_fail('madvise', page, 4096, advice)
    if e != 1:
        breach('madvise(%d): errno %d, not EPERM' % (advice, e))
r, e = sc('madvise', page, 4096, 4)
if r != 0:
    breach('MADV_DONTNEED refused: errno %d' % e)
print('done')
