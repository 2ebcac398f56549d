# expect: killed
# kill: seccomp
# why: tgkill(host, host, SIGKILL): the parent
expect_fail('tgkill', HOST, HOST, 9)
