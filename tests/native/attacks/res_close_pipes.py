# expect: killed|timeout
# timeout: 1
# why: closing stdout, stderr and the control pipe and running on: the parent stops
#      listening but must still end the child (no run outlives its watchdog)
for fd in (1, 2, 3):
    sc('close', fd)
libc.sleep(30)
