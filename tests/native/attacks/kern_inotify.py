# expect: killed
# kill: seccomp
# why: inotify_init1(2): watching host files
expect_fail('inotify_init1', 0)
