# expect: ok|error|killed
# mode: both
# why: finding 3: newfstatat with AT_EMPTY_PATH on relative paths climbing out of the work
#      directory: '..' up to the root must not be a host directory
rel = ''
for depth in range(12):
    rel += '../'
    ident = stat_id(rel)
    if ident and host_path(ident):
        breach('%s is the host\'s %s' % (rel, host_path(ident)))
ident = stat_id('../../../../../../../../etc/passwd')
if ident and host_path(ident):
    breach('../../etc/passwd is the host\'s')
