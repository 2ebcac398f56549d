# expect: killed
# kill: seccomp
# why: ptrace(PTRACE_ATTACH) of another process of the uid
sc('ptrace', 16, VICTIM, 0, 0)
breach('ptrace returned')
