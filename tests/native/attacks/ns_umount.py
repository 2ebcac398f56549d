# expect: killed
# kill: seccomp
# why: umount2(2) of /proc
sc('umount2', b'/proc', 2)
breach('umount2 returned')
