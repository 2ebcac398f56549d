# technique: create a file in /tmp
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
import os
fd = os.open('/tmp/pyverify-leak.txt', os.O_WRONLY | os.O_CREAT, 0o644)
os.write(fd, b'leaked')
