# technique: setsid + double fork: an orphan that survives a process-group kill
# family: 13
# expect-status: error
# expect-status-os: killed
# leak: none
import os, time
os.setsid()
if os.fork() == 0:
    if os.fork() == 0:
        time.sleep(30)
        open('/tmp/pyverify-orphan.txt', 'w').write('survived')
    os._exit(0)
