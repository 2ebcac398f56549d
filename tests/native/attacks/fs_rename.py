# expect: killed
# kill: seccomp
# why: rename(2) of the host file
expect_fail('rename', HOSTFILE.encode(), b'/tmp/x')
