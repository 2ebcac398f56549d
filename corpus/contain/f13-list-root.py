# technique: list directories
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
import os
print(os.listdir('/'))
print(os.listdir('/home'))
