# expect: ok
# why: growing the heap by 8 GiB with brk: the memory limit (RLIMIT_AS, RLIMIT_DATA under
#      sanitizers) must refuse it
cur = libc.sbrk(0)
r, e = sc('brk', cur + (8 << 30))
if r >= cur + (8 << 30):
    breach('brk grew the heap by 8 GiB')
print('brk refused')
