# technique: a function-global reference to a forbidden builtin with no binding anywhere
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV202
# bytecode: PV504
def run():
    global exec
    return exec("import os; os.system('id')")
run()
