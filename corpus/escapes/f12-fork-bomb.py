# technique: os.fork in a loop
# source: pyverify threat model
# family: 12
# expect: rejected
# rules: PV400
# bytecode: PV505
import os
while True:
    os.fork()
