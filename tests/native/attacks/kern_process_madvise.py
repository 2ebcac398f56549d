# expect: killed
# kill: seccomp
# why: process_madvise(2) on another process
expect_fail('process_madvise', 3, None, 0, 0, 0)
