# technique: read the parent's /proc entries
# family: 13
# expect-status: error
# expect-status-os: killed
# leak: none
import os
ppid = os.getppid()
print(open(f'/proc/{ppid}/cmdline', 'rb').read())
print(open(f'/proc/{ppid}/environ', 'rb').read())
