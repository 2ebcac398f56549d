# expect: killed
# kill: seccomp
# why: chmod(2) of the host file
sc('chmod', HOSTFILE.encode(), 0o777)
breach('chmod returned')
