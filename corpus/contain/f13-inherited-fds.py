# technique: write to descriptors 3..20 in case the runner leaked pipes or files
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
import os
for fd in range(3, 21):
    os.write(fd, b'pyverify-leak')
