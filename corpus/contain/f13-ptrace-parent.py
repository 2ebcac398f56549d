# technique: ptrace the parent through ctypes
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
import ctypes, os
libc = ctypes.CDLL(None)
print(libc.ptrace(16, os.getppid(), 0, 0))
