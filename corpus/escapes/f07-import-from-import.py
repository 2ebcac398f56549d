# technique: from-import of a forbidden module
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV400
# bytecode: PV505
from os import system
system('id')
