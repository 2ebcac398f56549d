# technique: a syntax error late in the file: nothing may be accepted or partially run
# source: pyverify threat model
# family: 9
# expect: rejected
# rules: PV005
# bytecode: none
import os
os.system('id')
x = = 1
