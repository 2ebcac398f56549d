# technique: two hops: re.enum is the allowed enum module, whose bltns is builtins
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV303
# bytecode: PV508
import re
class K:
    pass
def names(k):
    k.bltns = k.exec = 0
re.enum.bltns.exec("import os; os.system('id')")
