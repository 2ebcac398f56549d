# technique: re-open an inherited descriptor via /proc/self/fd
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
CANARY = globals().get("CANARY", "/etc/hostname")
import os
for name in os.listdir('/proc/self/fd'):
    print(name, os.readlink('/proc/self/fd/' + name))
print(open(CANARY).read())
