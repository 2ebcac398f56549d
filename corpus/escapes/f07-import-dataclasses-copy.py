# technique: dataclasses re-exports copy
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV303
# bytecode: PV508
import dataclasses
print(dataclasses.copy.copyreg)
