# technique: dotted import binds the top package
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV400
# bytecode: PV505
import os.path
print(os.path.exists('/etc/hostname'))
