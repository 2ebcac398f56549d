# expect: killed
# kill: seccomp
# why: umount2(2) of /proc
expect_fail('umount2', b'/proc', 2)
