# expect: ok|killed
# why: sysinfo(2): host uptime, load, memory, process count (ok if nothing found)
buf = ctypes.create_string_buffer(128)
r, e = sc('sysinfo', buf)
print('sysinfo', r, e)
