# technique: forbidden module under an innocent alias
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV400
# bytecode: PV505
import os as math_helpers
math_helpers.system('id')
