# expect: killed
# kill: seccomp
# why: unlink(2) of the host file
expect_fail('unlink', HOSTFILE.encode())
