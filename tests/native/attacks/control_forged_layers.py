# expect: ok
# why: layer and skipped-step records written after the program started must be ignored
import struct
for t, m in ((b'L', b'FORGED-layer'), (b'F', b'seccomp\x00FORGED'), (b'R', b'')):
    os.write(3, t + struct.pack('=I', len(m)) + m)
