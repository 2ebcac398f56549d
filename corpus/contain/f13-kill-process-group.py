# technique: signal the parent's process group, then the own group (killpg / kill(0))
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
import os, signal
os.killpg(os.getpgid(os.getppid()), signal.SIGTERM)
os.kill(0, signal.SIGTERM)
