# expect: killed
# kill: seccomp
# why: chdir(2) to the root
sc('chdir', b'/')
breach('chdir returned')
