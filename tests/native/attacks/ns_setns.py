# expect: killed
# kill: seccomp
# why: setns(2) into another namespace
sc('setns', 0, 0)
breach('setns returned')
