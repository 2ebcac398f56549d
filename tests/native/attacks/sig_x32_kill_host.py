# expect: killed
# mode: both
# kill: seccomp
# why: the x32 ABI (number | 0x40000000): kill(host, SIGKILL) and fork by their x32 numbers;
#      the merged pid guard compares the plain numbers, so only the main filter's check of
#      the x32 bit stands in the way (the kernel has no x32 here: ENOSYS would mean passed)
X32 = 0x40000000
r = libc.syscall(ctypes.c_long(X32 | NR['kill']), ctypes.c_long(HOST), ctypes.c_long(9))
breach('x32 kill passed the filter: %d errno %d' % (r, ctypes.get_errno()))
