# expect: ok
# why: open(2) of a host file by path
expect_fail('open', b'/etc/passwd', 0)
expect_fail('open', HOSTFILE.encode(), 0)
