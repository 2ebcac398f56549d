# technique: ignore SIGXCPU and spin past the soft CPU limit
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
import signal
signal.signal(signal.SIGXCPU, signal.SIG_IGN)
while True:
    pass
