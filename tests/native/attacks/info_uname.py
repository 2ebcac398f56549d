# expect: ok|killed
# why: uname(2): the host's kernel and hostname (ok if nothing found)
buf = ctypes.create_string_buffer(390)
r, e = sc('uname', buf)
if r == 0:
    node = buf.raw[65:130].split(b'\0')[0]
    print('nodename', node)
