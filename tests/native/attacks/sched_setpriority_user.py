# expect: killed
# kill: seccomp
# why: setpriority(PRIO_USER, 65534, 19): every process of the uid
sc('setpriority', 2, os.getuid(), 19)
breach('setpriority returned')
