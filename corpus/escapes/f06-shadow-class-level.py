# technique: class-level shadowing: the class body looks the name up in builtins after del
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV203
# bytecode: PV504
class C:
    exec = print
    del exec
    exec("import os; os.system('id')")
