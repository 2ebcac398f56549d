# technique: scandir the working directory and the canary's directory
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
CANARY = globals().get("CANARY", "/etc/hostname")
import os
print([e.name for e in os.scandir('.')])
print(os.listdir(os.path.dirname(CANARY) or '.'))
