# expect: killed
# kill: seccomp
# why: kill(0, SIGSTOP): its own group
expect_fail('kill', 0, 19)
