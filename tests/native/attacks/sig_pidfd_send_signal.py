# expect: killed
# kill: seccomp
# why: pidfd_send_signal on fds 0-3 (none is a pidfd; the call itself must be refused)
for fd in range(4):
    expect_fail('pidfd_send_signal', fd, 9, None, 0)
