# expect: error|memory
# why: finding 4: a MemoryError record forged on fd 3, then exit 1. A program can raise
#      MemoryError itself, so "memory" after exit 1 is the program's own claim, which the
#      parent may report (da4c474: the exception counts only on exit 1); what it must not do
#      is believe it after any other ending (control_forged_memory_exit0)
import struct
msg = b'MemoryError\x00FORGED\x001'
os.write(3, b'X' + struct.pack('=I', len(msg)) + msg)
os._exit(1)
