# expect: ok
# why: stat, lstat, access, faccessat2, statx, readlink of host paths
buf = ctypes.create_string_buffer(512)
expect_fail('stat', HOSTFILE.encode(), buf)
expect_fail('access', HOSTFILE.encode(), 0)
expect_fail('faccessat2', -100, HOSTFILE.encode(), 0, 0)
expect_fail('statx', -100, HOSTFILE.encode(), 0x1000, 0xfff, buf)
expect_fail('readlink', b'/proc/self/exe', buf, 512)
expect_fail('readlinkat', -100, b'/proc/self/cwd', buf, 512)
