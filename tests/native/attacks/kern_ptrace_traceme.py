# expect: killed
# kill: seccomp
# why: ptrace(PTRACE_TRACEME)
expect_fail('ptrace', 0, 0, 0, 0)
