# expect: killed
# kill: seccomp
# why: userfaultfd(2): a classic exploitation primitive
expect_fail('userfaultfd', 0)
