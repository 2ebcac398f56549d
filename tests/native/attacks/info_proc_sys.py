# expect: ok
# why: /proc and /sys by path: environ of pid 1, the host's cmdline, kernel settings
for p in (b'/proc/1/environ', b'/proc/self/maps', b'/proc/self/mem', b'/sys/kernel/notes',
          b'/sys/fs/cgroup/cgroup.procs', b'/proc/%d/environ' % HOST):
    expect_fail('openat', -100, p, 0)
