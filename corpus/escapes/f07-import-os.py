# technique: forbidden module
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV400
# bytecode: PV505
import os
os.system('id')
