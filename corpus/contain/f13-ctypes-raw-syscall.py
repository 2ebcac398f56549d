# technique: ctypes: raw syscall(SYS_getpid) and mprotect tricks
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
import ctypes
libc = ctypes.CDLL(None)
print(libc.syscall(39))
