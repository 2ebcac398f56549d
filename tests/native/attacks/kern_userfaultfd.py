# expect: killed
# kill: seccomp
# why: userfaultfd(2): a classic exploitation primitive
sc('userfaultfd', 0)
breach('userfaultfd returned')
