# expect: killed
# kill: seccomp
# why: sync(2): host-wide I/O from a tenant (a timing attack on the host)
expect_fail('sync')
