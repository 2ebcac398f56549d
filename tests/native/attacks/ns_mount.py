# expect: killed
# kill: seccomp
# why: mount(2) of a tmpfs over the work directory
expect_fail('mount', b'none', b'.', b'tmpfs', 0, None)
