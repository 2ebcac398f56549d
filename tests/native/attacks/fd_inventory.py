# expect: ok
# mode: runner
# why: the descriptors the program holds: 0-3 only (no host file, socket, log, or the warm
#      child's request pipe); each extra one is named by fstat
st = ctypes.create_string_buffer(256)
extra = []
for fd in range(4, 1024):
    r, e = sc('fstat', fd, st)
    if r == 0:
        extra.append((fd, oct(int.from_bytes(st.raw[24:28], 'little'))))
if extra:
    breach('open descriptors beyond 0-3: %s' % extra)
