# expect: killed
# kill: seccomp
# why: setpriority(PRIO_USER, 65534, 19): every process of the uid
expect_fail('setpriority', 2, os.getuid(), 19)
