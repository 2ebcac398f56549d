# expect: killed
# kill: seccomp
# why: acct(2)
expect_fail('acct', b'/tmp/x')
