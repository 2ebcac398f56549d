# expect: killed
# kill: seccomp
# why: System V message queues
expect_fail('msgget', 0, 0o1666)
