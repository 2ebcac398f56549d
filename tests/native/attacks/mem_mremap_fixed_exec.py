# expect: killed
# kill: seccomp
# why: pkey_mprotect / remap tricks: mprotect of the code of libc as writable+exec
addr = ctypes.cast(libc.printf, ctypes.c_void_p).value & ~4095
expect_fail('mprotect', addr, 4096, 7)
