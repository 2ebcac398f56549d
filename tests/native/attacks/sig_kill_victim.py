# expect: killed
# mode: both
# kill: seccomp
# why: kill(victim, SIGKILL): another process of the uid
expect_fail('kill', VICTIM, 9)
