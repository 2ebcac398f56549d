# expect: killed
# kill: seccomp
# why: keyctl(2): the session keyring
expect_fail('keyctl', 0, -3, 0)
