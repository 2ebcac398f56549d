# expect: killed
# kill: seccomp
# why: vfork(2): a child sharing the memory of the sandboxed process
r = sc('vfork')
if r[0] == 0:
    sc('exit', 0)
breach('vfork returned')
