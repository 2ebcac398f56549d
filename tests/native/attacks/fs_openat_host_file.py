# expect: ok
# why: openat(2) of the host file, relative and absolute
expect_fail('openat', -100, HOSTFILE.encode(), 0)
expect_fail('openat', -100, b'../../../../../etc/shadow', 0)
