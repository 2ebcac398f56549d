# expect: killed
# kill: seccomp
# why: chdir(2) to the root
expect_fail('chdir', b'/')
