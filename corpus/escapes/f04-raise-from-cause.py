# technique: exec in the cause of raise ... from
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
try:
    raise ValueError("x") from exec("import os; os.system('id')")
except ValueError:
    pass
