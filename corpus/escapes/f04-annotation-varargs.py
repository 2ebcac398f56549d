# technique: annotation on *args and **kwargs
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
def handler(*args: compile("1", "", "eval"), **kw: globals()):
    return args
