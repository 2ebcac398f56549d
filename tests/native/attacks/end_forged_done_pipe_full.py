# expect: ok|output|cpu|timeout
# mode: both
# why: issue 19's early end observed while the program sleeps in a write to a full stdout
#      pipe after a forged DONE (asleep, but not in the runtime's wait): the parent drains
#      what is there, kills, returns; the cap holds and nothing of the run goes on writing
import struct
os.write(3, b'D' + struct.pack('=I', 1) + b'0')
chunk = b'x' * 65536
while True:
    os.write(1, chunk)
