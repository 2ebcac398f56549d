# technique: read the canary with os.open/os.read (no io layer)
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
CANARY = globals().get("CANARY", "/etc/hostname")
import os
fd = os.open(CANARY, os.O_RDONLY)
print(os.read(fd, 4096))
