# expect: killed
# kill: seccomp
# why: execveat of the stdin memfd with AT_EMPTY_PATH
expect_fail('execveat', 0, b'', None, None, 0x1000)
