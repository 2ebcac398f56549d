# technique: augmented assignment whose target reaches through __dict__
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV300
# bytecode: PV503
def f():
    pass
f.__globals__["__builtins__"] |= {}
