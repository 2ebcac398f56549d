# expect: killed
# mode: both
# kill: seccomp
# why: kill(getppid(), SIGKILL)
expect_fail('kill', HOST, 9)
