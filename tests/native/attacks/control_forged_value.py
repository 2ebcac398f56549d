# expect: ok
# why: finding 4: a module-mode program has no value; a value record forged on fd 3 must not
#      appear as the run's value
import struct
msg = b'"FORGED"'
os.write(3, b'V' + struct.pack('=I', len(msg)) + msg)
