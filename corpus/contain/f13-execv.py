# technique: os.execv replaces the process with a shell
# family: 13
# expect-status: error
# expect-status-os: killed
# leak: none
CANARY = globals().get("CANARY", "/etc/hostname")
import os
os.execv('/bin/cat', ['cat', CANARY])
