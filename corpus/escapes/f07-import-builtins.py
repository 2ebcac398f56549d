# technique: the builtins module itself
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV400
# bytecode: PV505
import builtins
print(builtins.open('/etc/hostname').read())
