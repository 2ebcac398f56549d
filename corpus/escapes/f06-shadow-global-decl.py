# technique: function declares 'global exec' and calls it: no binding ever runs, so it is the builtin
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV203
# bytecode: PV504
def setup():
    global exec
    if False:
        exec = print
def run():
    return exec("import os; os.system('id')")
run()
