# expect: ok|error|killed
# mode: both
# why: finding 3: the host filesystem is mounted in the child; newfstatat with AT_EMPTY_PATH
#      and a non-empty path is allowed by seccomp (the flag only matters for an empty path).
#      A breach is reaching a host inode (same device and inode as the host sees), so an
#      empty private root with its own /tmp is fine
for path in sorted(HOSTIDS) + ['/proc/self/status']:
    ident = stat_id(path)
    if ident is None:
        print('stat', path, 'refused')
    elif path.startswith('/proc'):
        breach('/proc is mounted: %s' % path)
    elif host_path(ident):
        breach('host path %s reachable (device %d, inode %d)' % (path, ident[0], ident[1]))
    else:
        print(path, 'exists, not the host\'s')
