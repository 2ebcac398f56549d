# expect: killed
# kill: seccomp
# why: setgroups(2)
sc('setgroups', 0, None)
breach('setgroups returned')
