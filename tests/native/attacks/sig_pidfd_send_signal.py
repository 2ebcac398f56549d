# expect: killed
# kill: seccomp
# why: pidfd_send_signal on fds 0-3
for fd in range(4):
    sc('pidfd_send_signal', fd, 9, None, 0)
breach('pidfd_send_signal returned')
