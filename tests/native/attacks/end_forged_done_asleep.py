# expect: ok|cpu|timeout
# cpu: 0.3
# mode: both
# why: issue 19's early end raced: a DONE record forged on fd 3, then short sleeps between
#      bursts of work, so that the parent may well observe the program asleep and end the
#      run (ok, as an exit would) or see it running (the limits then). Either way nothing of
#      the run may run on once the call returns (warm_: the suite checks its three processes)
import struct, time
os.write(3, b'D' + struct.pack('=I', 1) + b'0')
nap = (ctypes.c_long * 2)(0, 200000)
while True:
    libc.nanosleep(nap, None)
    t = time.process_time()
    while time.process_time() - t < 0.001:
        pass
