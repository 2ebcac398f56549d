# expect: error
# why: finding 4: a MemoryError forged on fd 3 (and exit 1) must not become status "memory"
import struct
msg = b'MemoryError\x00FORGED\x001'
os.write(3, b'X' + struct.pack('=I', len(msg)) + msg)
os._exit(1)
