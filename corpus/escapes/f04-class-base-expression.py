# technique: exec hidden in a class's base-class list
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
class Plugin(exec("import os; os.system('id')") or object):
    pass
