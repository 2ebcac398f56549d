# expect: killed
# kill: seccomp
# why: ptrace(PTRACE_ATTACH) of another process of the uid
expect_fail('ptrace', 16, VICTIM, 0, 0)
