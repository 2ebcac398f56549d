# technique: exec hidden in an except clause's type expression
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
try:
    1 / 0
except exec("import os; os.system('id')") or ZeroDivisionError:
    pass
