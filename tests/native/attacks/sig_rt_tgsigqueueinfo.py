# expect: killed
# kill: seccomp
# why: rt_tgsigqueueinfo(victim, victim, SIGKILL)
info = ctypes.create_string_buffer(128)
expect_fail('rt_tgsigqueueinfo', VICTIM, VICTIM, 9, info)
