# expect: ok|killed
# mode: both
# why: clock_gettime of another process's CPU clock (clock id -(pid+1)*8 + 2): how busy the
#      victim, the host or another tenant is; a timing side channel
cid = ((~VICTIM) << 3) | 2
ts = (ctypes.c_long * 2)()
r, e = sc('clock_gettime', cid, ts)
if r == 0:
    breach('the victim has used %d.%09d s of CPU' % (ts[0], ts[1]))
r, e = sc('clock_gettime', ((~HOST) << 3) | 2, ts)
if r == 0:
    breach('the host has used %d.%09d s of CPU' % (ts[0], ts[1]))
