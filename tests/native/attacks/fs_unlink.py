# expect: killed
# kill: seccomp
# why: unlink(2) of the host file
sc('unlink', HOSTFILE.encode())
breach('unlink returned')
