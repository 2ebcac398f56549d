# expect: killed
# kill: seccomp
# why: keyctl(2): the session keyring
sc('keyctl', 0, -3, 0)
breach('keyctl returned')
