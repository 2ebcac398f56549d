# expect: ok
# why: filling the disk: no file can be created and RLIMIT_FSIZE is 0
expect_fail('openat', -100, b'fill.bin', 0o101, 0o644)
expect_fail('openat', -100, b'/tmp/fill.bin', 0o101, 0o644)
