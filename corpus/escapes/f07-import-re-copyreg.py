# technique: re re-exports copyreg
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV303
# bytecode: PV508
import re
print(re.copyreg.dispatch_table)
