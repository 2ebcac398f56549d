# expect: error
# why: finding 4: records claiming a fatal start-up error (as if the program never ran) and
#      an exception, then exit 2: the parent reports what it saw (exit 2), nothing forged
import struct
for t, m in ((b'E', b'FORGED fatal'), (b'X', b'TimeoutError\x00FORGED\x001')):
    os.write(3, t + struct.pack('=I', len(m)) + m)
os._exit(2)
