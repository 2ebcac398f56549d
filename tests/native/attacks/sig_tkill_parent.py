# expect: killed
# kill: seccomp
# why: tkill(host, SIGKILL): the parent by thread id
expect_fail('tkill', HOST, 9)
