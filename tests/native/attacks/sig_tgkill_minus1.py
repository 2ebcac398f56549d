# expect: killed
# kill: seccomp
# why: tgkill(-1, -1, SIGKILL)
expect_fail('tgkill', -1, -1, 9)
