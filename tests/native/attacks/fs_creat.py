# expect: ok
# why: creat(2) of a file in /tmp
expect_fail('creat', b'/tmp/pv-native-pwned', 0o644)
