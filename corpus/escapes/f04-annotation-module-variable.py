# technique: module-level variable annotation is evaluated and stored in __annotations__
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
total: exec("import os; os.system('id')") = 0
