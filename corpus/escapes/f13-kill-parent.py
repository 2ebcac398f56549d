# technique: signal the parent process
# source: pyverify threat model
# family: 13
# expect: rejected
# rules: PV400
# bytecode: PV505
import os
os.kill(os.getppid(), 9)
