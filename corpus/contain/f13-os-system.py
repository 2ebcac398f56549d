# technique: os.system runs a shell (fork + execve)
# family: 13
# expect-status: error
# expect-status-os: killed
# leak: none
CANARY = globals().get("CANARY", "/etc/hostname")
import os
os.system('cat ' + CANARY + ' > /tmp/pyverify-leak.txt')
