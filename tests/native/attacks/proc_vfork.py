# expect: killed
# kill: seccomp
# why: vfork(2) through os.posix_spawn-like raw call
r = sc('vfork')
if r[0] == 0:
    sc('exit', 0)
breach('vfork returned')
