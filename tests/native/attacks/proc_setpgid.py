# expect: killed
# kill: seccomp
# why: setpgid(2): leaving the process group the watchdog kills
expect_fail('setpgid', 0, 0)
