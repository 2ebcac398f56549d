# technique: os.fork
# family: 13
# expect-status: error
# expect-status-os: killed
# leak: none
import os
pid = os.fork()
if pid == 0:
    print('child alive')
    os._exit(0)
os.waitpid(pid, 0)
