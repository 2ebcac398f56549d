# expect: killed
# kill: seccomp
# why: POSIX message queues
expect_fail('mq_open', b'x', 0o100, 0o666, None)
