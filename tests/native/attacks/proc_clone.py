# expect: killed
# kill: seccomp
# why: clone(2) with SIGCHLD
r = sc('clone', 17, 0, 0, 0, 0)
if r[0] == 0:
    sc('exit', 0)
breach('clone returned')
