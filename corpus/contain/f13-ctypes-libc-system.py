# technique: ctypes: call libc system() directly
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
import ctypes
ctypes.CDLL(None).system(b'id > /tmp/pyverify-leak.txt')
