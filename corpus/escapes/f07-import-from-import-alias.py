# technique: from-import with alias
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV400
# bytecode: PV505
from subprocess import check_output as co
print(co(['id']))
