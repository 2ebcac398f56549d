# technique: enum re-exports builtins as enum.bltns
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV303
# bytecode: PV508
import enum
enum.bltns.exec("import os; os.system('id')")
