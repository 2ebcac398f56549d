# technique: del target reaching through __globals__ removes the module's __builtins__ binding
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV300
# bytecode: PV503
def f():
    pass
del f.__globals__["__builtins__"]
