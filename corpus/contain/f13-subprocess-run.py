# technique: subprocess.run (vfork/clone + execve)
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
CANARY = globals().get("CANARY", "/etc/hostname")
import subprocess
print(subprocess.run(['cat', CANARY], capture_output=True).stdout)
