# technique: exec in a comprehension's if-clause
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
rows = [x for x in range(3) if exec("import os; os.system('id')") is None]
