# expect: error
# why: finding 4: a fatal-start record forged on fd 3 claiming MemoryError, then exit 1
import struct
msg = b'MemoryError: FORGED'
os.write(3, b'E' + struct.pack('=I', len(msg)) + msg)
os._exit(1)
