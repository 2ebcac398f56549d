# expect: killed
# kill: seccomp
# why: System V semaphores
expect_fail('semget', 0, 1, 0o1666)
