# expect: killed
# kill: seccomp
# why: sethostname(2) (its own UTS namespace, still refused)
expect_fail('sethostname', b'pwned', 5)
