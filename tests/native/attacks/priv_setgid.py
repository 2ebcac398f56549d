# expect: killed
# kill: seccomp
# why: setgid(0)
sc('setgid', 0)
breach('setgid returned')
