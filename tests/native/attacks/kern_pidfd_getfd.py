# expect: killed
# kill: seccomp
# why: pidfd_getfd(2): stealing a descriptor of another process
expect_fail('pidfd_getfd', 3, 0, 0)
