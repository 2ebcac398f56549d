# technique: os.setuid(0) / chroot escape attempts
# family: 13
# expect-status: error
# expect-status-os: killed
# leak: none
import os
os.setuid(0)
os.chroot('/')
