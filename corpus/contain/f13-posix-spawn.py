# technique: os.posix_spawn
# family: 13
# expect-status: error
# expect-status-os: killed
# leak: none
CANARY = globals().get("CANARY", "/etc/hostname")
import os
os.posix_spawn('/bin/cat', ['cat', CANARY], {})
