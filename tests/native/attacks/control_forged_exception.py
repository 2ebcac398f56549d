# expect: ok
# mode: both
# why: finding 4: an exception record forged on fd 3, then a clean exit 0: the parent sees
#      a program that ended well and must not report an error it did not observe
import struct
msg = b'ForgedError\x00FORGED message\x001'
os.write(3, b'X' + struct.pack('=I', len(msg)) + msg)
sys.stdout.flush()
os._exit(0)
