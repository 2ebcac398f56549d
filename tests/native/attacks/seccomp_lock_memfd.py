# expect: killed
# mode: both
# kill: seccomp
# why: memfd_create and dup2 are allowed by the main filter only for the child's set-up after its request (stdin); the second filter must kill them before the program runs: a memfd is a file the program could hand on
expect_fail('memfd_create', ctypes.addressof(ctypes.create_string_buffer(b'x')), 0)
