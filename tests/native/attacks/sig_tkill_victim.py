# expect: killed
# kill: seccomp
# why: tkill(victim, SIGKILL)
expect_fail('tkill', VICTIM, 9)
