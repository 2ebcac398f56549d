# expect: ok|error|killed
# why: finding 3: the host filesystem is mounted in the child; newfstatat with AT_EMPTY_PATH
#      and a non-empty path is allowed by seccomp (the flag only matters for an empty path)
import struct
AT_FDCWD, AT_EMPTY_PATH = -100, 0x1000
st = ctypes.create_string_buffer(256)
for path in (HOSTFILE, '/etc/passwd', '/proc/self/status', '/usr', '/tmp'):
    r, e = sc('newfstatat', AT_FDCWD, path.encode(), st, AT_EMPTY_PATH)
    if r == 0:
        ino, size = struct.unpack_from('Q', st.raw, 8)[0], struct.unpack_from('q', st.raw, 48)[0]
        breach('stat %s by path: inode %d, %d bytes' % (path, ino, size))
    else:
        print('stat', path, 'errno', e)
