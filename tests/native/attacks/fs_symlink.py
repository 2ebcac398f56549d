# expect: killed
# kill: seccomp
# why: symlink(2)
expect_fail('symlink', b'/etc/passwd', b'p')
