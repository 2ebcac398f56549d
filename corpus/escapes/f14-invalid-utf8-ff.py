# technique: raw 0xFF byte in a UTF-8 file
# source: pyverify threat model
# family: 14
# expect: invalid
# rules: PV002
# bytecode: none
s = 'ÿ'
import os
