# expect: killed
# kill: seccomp
# why: io_uring_setup(2): a second, unfiltered system call interface
p = ctypes.create_string_buffer(120)
expect_fail('io_uring_setup', 8, p)
