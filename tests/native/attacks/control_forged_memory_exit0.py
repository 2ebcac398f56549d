# expect: ok
# why: finding 4: a MemoryError record forged on fd 3, then exit 0: not a memory outcome
import struct
msg = b'MemoryError\x00FORGED\x001'
os.write(3, b'X' + struct.pack('=I', len(msg)) + msg)
sys.stdout.flush()
os._exit(0)
