# expect: killed
# kill: seccomp
# why: add_key(2)
sc('add_key', b'user', b'x', b'y', 1, -3)
breach('add_key returned')
