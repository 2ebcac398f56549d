# expect: killed
# kill: seccomp
# why: process_vm_readv on itself (a memory probe that /proc would give)
expect_fail('process_vm_readv', ME, None, 0, None, 0, 0)
