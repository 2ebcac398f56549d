# expect: ok
# why: records that only the setup steps may send (layers, failed steps), forged with a
#      length that straddles two writes: none may be believed, the run ends ok
import struct
m = b'FORGED-split'
hdr = b'L' + struct.pack('=I', len(m))
os.write(3, hdr[:3])
os.write(3, hdr[3:] + m[:4])
os.write(3, m[4:])
