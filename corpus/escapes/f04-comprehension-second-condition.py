# technique: exec in the second if-clause of a comprehension (walkers that check ifs[0] only)
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
rows = [x for x in range(3) if x >= 0 if exec("import os; os.system('id')") is None]
