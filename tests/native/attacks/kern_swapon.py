# expect: killed
# kill: seccomp
# why: swapon(2)
expect_fail('swapon', b'/tmp/x', 0)
