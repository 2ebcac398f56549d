# expect: killed
# kill: seccomp
# why: rt_sigqueueinfo(host, SIGKILL) with a forged siginfo
expect_fail('rt_sigqueueinfo', HOST, 9, ctypes.create_string_buffer(128))
