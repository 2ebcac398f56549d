# expect: killed
# kill: seccomp
# why: process_vm_readv of the victim's memory
buf = ctypes.create_string_buffer(64)
local = (ctypes.c_void_p * 2)(ctypes.addressof(buf), 64)
remote = (ctypes.c_void_p * 2)(0x400000, 64)
expect_fail('process_vm_readv', VICTIM, local, 1, remote, 1, 0)
