# technique: exec runs unverified statements
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV202
# bytecode: PV504
print(exec("import os; os.system('id')"))
