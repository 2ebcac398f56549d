# expect: ok|error|killed
# why: finding 3: newfstatat with AT_EMPTY_PATH on a relative path climbing out of the work directory
st = ctypes.create_string_buffer(256)
for path in (b'../../../../../../etc/passwd', b'..', b'.'):
    r, e = sc('newfstatat', -100, path, st, 0x1000)
    if r == 0 and path != b'.':
        breach('stat %r: inode %d' % (path, int.from_bytes(st.raw[8:16], 'little')))
