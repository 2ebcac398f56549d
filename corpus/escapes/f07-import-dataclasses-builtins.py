# technique: dataclasses re-exports builtins
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV303
# bytecode: PV508
import dataclasses
print(dataclasses.builtins.open('/etc/hostname').read())
