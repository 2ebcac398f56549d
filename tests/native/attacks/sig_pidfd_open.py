# expect: killed
# kill: seccomp
# why: pidfd_open(victim) + pidfd_send_signal
fd, e = sc('pidfd_open', VICTIM, 0)
expect_fail('pidfd_send_signal', fd, 9, None, 0)
