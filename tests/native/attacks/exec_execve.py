# expect: killed
# kill: seccomp
# why: execve(2) of /bin/sh
argv = (ctypes.c_char_p * 2)(b'/bin/sh', None)
expect_fail('execve', b'/bin/sh', argv, None)
