# expect: killed
# kill: seccomp
# why: chroot(2)
sc('chroot', b'/tmp')
breach('chroot returned')
