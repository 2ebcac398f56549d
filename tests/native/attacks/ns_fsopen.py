# expect: killed
# kill: seccomp
# why: fsopen(2): the new mount API
sc('fsopen', b'tmpfs', 0)
breach('fsopen returned')
