# expect: killed
# kill: seccomp
# why: kill(1, SIGTERM): the host's init (in a pid namespace, pid 1 may be the child itself:
#      then there is nothing to prove)
if ME != 1:
    expect_fail('kill', 1, 15)
else:
    print('pid 1 is the child itself')
    sc('socket', 2, 1, 0)
