# technique: exec in a finally block
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
try:
    pass
finally:
    exec("import os; os.system('id')")
