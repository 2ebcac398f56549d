# expect: killed
# kill: seccomp
# why: iopl(2): port I/O
expect_fail('iopl', 3)
