# technique: sys reaches every loaded module
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV400
# bytecode: PV505
import sys
print(sys.modules['os'].system('id'))
