# expect: killed
# kill: seccomp
# why: symlink(2)
sc('symlink', b'/etc/passwd', b'p')
breach('symlink returned')
