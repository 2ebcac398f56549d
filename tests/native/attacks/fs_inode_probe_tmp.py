# expect: ok|error|killed
# why: finding 3: probing which host files exist (other tenants' work directories in /tmp) through newfstatat
st = ctypes.create_string_buffer(256)
found = []
for path in ('/tmp', '/root', '/home', '/var/run', '/etc/hostname', HOSTFILE.rsplit('/', 1)[0]):
    if sc('newfstatat', -100, path.encode(), st, 0x1000)[0] == 0:
        found.append(path)
if found:
    breach('host paths exist: %s' % found)
