# technique: os.kill(os.getppid(), SIGKILL)
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
import os, signal
os.kill(os.getppid(), signal.SIGKILL)
print('parent signalled')
