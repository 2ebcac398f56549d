# expect: killed
# kill: seccomp
# why: a handler for SIGSYS does not turn a forbidden call into a caught signal (the filter
#      kills the process, it does not trap)
import signal
signal.signal(signal.SIGSYS, lambda *a: print('caught'))
sc('socket', 2, 1, 0)
breach('survived a forbidden call')
