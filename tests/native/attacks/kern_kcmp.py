# expect: killed
# kill: seccomp
# why: kcmp(2): comparing its descriptors with another process's
expect_fail('kcmp', ME, VICTIM, 0, 0, 0)
