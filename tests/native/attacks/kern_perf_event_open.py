# expect: killed
# kill: seccomp
# why: perf_event_open(2)
attr = ctypes.create_string_buffer(128)
expect_fail('perf_event_open', attr, 0, -1, -1, 0)
