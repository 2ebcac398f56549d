# expect: killed
# kill: seccomp
# why: tgkill(victim, victim, SIGSTOP)
expect_fail('tgkill', VICTIM, VICTIM, 19)
