# expect: killed
# mode: both
# kill: seccomp
# why: the second filter (sandbox.c, step_seccomp_lock) compares plain x86_64 numbers only;
#      prlimit64 by its x32 number (| 0x40000000) misses it, so the main filter's check of
#      the x32 bit is what must kill it (and dup2, memfd_create, setrlimit, seccomp alike)
X32 = 0x40000000
lim = (ctypes.c_uint64 * 2)(1 << 40, 1 << 40)
r = libc.syscall(ctypes.c_long(X32 | NR['prlimit64']), ctypes.c_long(0), ctypes.c_long(0),
                 ctypes.c_void_p(ctypes.addressof(lim)), ctypes.c_long(0))
breach('x32 prlimit64 passed the filters: %d errno %d' % (r, ctypes.get_errno()))
