# expect: killed
# kill: seccomp
# why: chroot(2)
expect_fail('chroot', b'/tmp')
