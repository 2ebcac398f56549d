# technique: install a SIGALRM handler that re-arms itself
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
import signal
signal.signal(signal.SIGALRM, lambda *a: signal.alarm(1))
signal.alarm(1)
while True:
    pass
