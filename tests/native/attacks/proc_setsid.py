# expect: killed
# kill: seccomp
# why: setsid(2): leaving the session the watchdog kills
expect_fail('setsid')
