# expect: killed
# kill: seccomp
# why: chmod(2) of the host file
expect_fail('chmod', HOSTFILE.encode(), 0o777)
