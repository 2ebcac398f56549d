# expect: killed
# kill: seccomp
# why: memfd_secret(2)
expect_fail('memfd_secret', 0)
