# technique: print os.environ: the runner must start the child with a scrubbed environment
# family: 13
# expect-status: error
# expect-status-os: ok
# leak: none
import os
for k, v in sorted(os.environ.items()):
    print(k, v)
