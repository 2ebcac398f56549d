# expect: killed
# kill: seccomp
# why: mount(2) of a tmpfs over the work directory
sc('mount', b'none', b'.', b'tmpfs', 0, None)
breach('mount returned')
