# expect: killed
# kill: seccomp
# why: bpf(2): BPF_PROG_LOAD
attr = ctypes.create_string_buffer(128)
expect_fail('bpf', 5, attr, 128)
