# technique: create a directory and a symlink to the canary
# family: 13
# expect-status: error
# expect-status-os: killed
# leak: none
CANARY = globals().get("CANARY", "/etc/hostname")
import os
os.mkdir('pyverify-leak-dir')
os.symlink(CANARY, 'pyverify-leak-dir/link')
