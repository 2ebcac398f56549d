# technique: exec in a parameter annotation: annotations are evaluated at def time in 3.11
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
def handler(event: exec("import os; os.system('id')")):
    return event
