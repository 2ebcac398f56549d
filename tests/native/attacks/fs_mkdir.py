# expect: killed
# kill: seccomp
# why: mkdir(2) in /tmp
expect_fail('mkdir', b'/tmp/pv-native-dir', 0o777)
