# expect: killed
# kill: seccomp
# why: mlock(2): pinning memory the host cannot reclaim
buf = libc.malloc(1 << 20)
expect_fail('mlock', buf, 1 << 20)
