# expect: killed
# mode: both
# kill: seccomp
# why: dup3 is allowed by the main filter until the run (libc's dup2 where the architecture
#      has no dup2 syscall: arm64, riscv64); the second filter must kill it as it kills dup2:
#      a program must not place a descriptor of its choice on 0-3
NR['dup3'] = 292
r, e = sc('dup3', 1, 7, 0)
breach('dup3 passed: %d errno %d' % (r, e))
