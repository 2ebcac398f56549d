# technique: a module obtained by from-import (from fractions import re) used as a value
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV204
# bytecode: PV508
from fractions import re
holder = {"m": re}
print(holder["m"].copyreg)
