# technique: exec in a while loop's else block
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
while False:
    pass
else:
    exec("import os; os.system('id')")
