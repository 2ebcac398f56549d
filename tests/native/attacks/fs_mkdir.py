# expect: killed
# kill: seccomp
# why: mkdir(2) in /tmp
sc('mkdir', b'/tmp/pv-native-dir', 0o777)
breach('mkdir returned')
