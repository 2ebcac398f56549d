# technique: fork in a loop
# family: 13
# expect-status: error
# expect-status-os: killed
# leak: none
import os
while True:
    os.fork()
