# expect: killed
# kill: seccomp
# why: rt_sigqueueinfo(victim, SIGKILL)
info = ctypes.create_string_buffer(128)
expect_fail('rt_sigqueueinfo', VICTIM, 9, info)
