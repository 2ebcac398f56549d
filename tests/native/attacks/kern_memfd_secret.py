# expect: killed
# kill: seccomp
# why: memfd_secret(2)
sc('memfd_secret', 0)
breach('memfd_secret returned')
