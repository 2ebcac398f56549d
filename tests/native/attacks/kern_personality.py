# expect: killed
# kill: seccomp
# why: personality(2): READ_IMPLIES_EXEC
sc('personality', 0x0400000)
breach('personality returned')
