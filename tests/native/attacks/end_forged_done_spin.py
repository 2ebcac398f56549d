# expect: cpu|timeout
# cpu: 0.3
# mode: both
# why: issue 19's early end: a DONE record forged on fd 3, then running on. The parent must
#      see it running (not asleep) and go on to the real end: the CPU limit, never "ok"
import struct
os.write(3, b'D' + struct.pack('=I', 1) + b'0')
while True:
    pass
