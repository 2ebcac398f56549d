# expect: killed
# kill: seccomp
# why: rename(2) of the host file
sc('rename', HOSTFILE.encode(), b'/tmp/x')
breach('rename returned')
