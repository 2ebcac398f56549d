# expect: killed
# kill: seccomp
# why: unshare(2): a fresh user namespace with full capabilities
sc('unshare', 0x10000000)
breach('unshare returned')
