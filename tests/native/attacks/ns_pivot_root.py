# expect: killed
# kill: seccomp
# why: pivot_root(2)
sc('pivot_root', b'.', b'.')
breach('pivot_root returned')
