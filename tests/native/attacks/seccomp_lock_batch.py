# expect: killed
# mode: batch
# kill: seccomp
# why: a batch child attaches the main filter in phase 0 like a warm child (prlimit64 allowed
#      for its own set-up) and must attach the second filter before its first program
lim = (ctypes.c_uint64 * 2)(1 << 40, 1 << 40)
r, e = sc('prlimit64', 0, 0, ctypes.addressof(lim), 0)
breach('prlimit64 passed in a batch: %d errno %d' % (r, e))
