# expect: killed
# kill: seccomp
# why: timer_create(2): a timer signal to a chosen thread id (SIGEV_THREAD_ID)
ev = ctypes.create_string_buffer(64)
t = ctypes.c_int()
expect_fail('timer_create', 0, ev, ctypes.byref(t))
