# expect: killed
# kill: seccomp
# why: ptrace(PTRACE_TRACEME)
sc('ptrace', 0, 0, 0, 0)
breach('ptrace returned')
