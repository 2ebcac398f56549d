# expect: killed
# kill: seccomp
# why: kill(-1, SIGKILL): every process the uid may signal
expect_fail('kill', -1, 9)
