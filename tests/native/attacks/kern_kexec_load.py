# expect: killed
# kill: seccomp
# why: kexec_load(2)
expect_fail('kexec_load', 0, 0, None, 0)
