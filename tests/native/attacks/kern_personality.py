# expect: killed
# kill: seccomp
# why: personality(2): READ_IMPLIES_EXEC
expect_fail('personality', 0x0400000)
