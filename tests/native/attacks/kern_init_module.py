# expect: killed
# kill: seccomp
# why: init_module(2): loading kernel code
expect_fail('init_module', None, 0, b'')
