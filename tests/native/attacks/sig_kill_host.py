# expect: killed
# kill: seccomp
# host: nobody
# why: kill(host, SIGKILL) from a host of the same uid
expect_fail('kill', HOST, 9)
