# expect: killed
# kill: seccomp
# why: tkill(1, SIGKILL) (in a pid namespace pid 1 may be the child itself: then there is
#      nothing to prove)
if ME != 1:
    expect_fail('tkill', 1, 9)
else:
    print('pid 1 is the child itself')
    sc('socket', 2, 1, 0)
