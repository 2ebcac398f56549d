# expect: killed
# kill: seccomp
# why: System V shared memory (shmget): a channel to other tenants
expect_fail('shmget', 0, 4096, 0o1666)
