# expect: killed
# kill: seccomp
# why: fanotify_init(2)
expect_fail('fanotify_init', 0, 0)
