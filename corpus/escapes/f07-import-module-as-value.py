# technique: module object stored in a variable
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV204
# bytecode: PV508
import math
m = math
print(m)
