# expect: killed
# kill: seccomp
# why: clone3(2)
args = (ctypes.c_uint64 * 11)()
args[4] = 17
r = sc('clone3', args, 88)
if r[0] == 0:
    sc('exit', 0)
breach('clone3 returned %r' % (r,))
