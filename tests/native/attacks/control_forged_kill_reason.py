# expect: error
# mode: both
# why: finding 4: an audit record forged on fd 3, then exit code 125: the parent must not
#      report a kill by the audit hook that it never saw (no Python layer is even active)
import struct
msg = b'FORGED.event'
os.write(3, b'A' + struct.pack('=I', len(msg)) + msg)
os._exit(125)
