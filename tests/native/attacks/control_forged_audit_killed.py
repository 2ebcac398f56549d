# expect: killed
# kill: seccomp
# why: finding 4: an audit record forged on fd 3, then a real seccomp kill: the kill reason
#      must be the one the parent observed (SIGSYS), not the forged audit event
import struct
msg = b'FORGED.event'
os.write(3, b'A' + struct.pack('=I', len(msg)) + msg)
sc('socket', 2, 1, 0)
