# technique: from re import enum binds the allowed enum module under a name the checker may not track as a module; enum.bltns is builtins
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV303
# bytecode: PV508
from re import enum
def declare(k):
    k.bltns = k.exec = 0
enum.bltns.exec("import os; os.system('id')")
