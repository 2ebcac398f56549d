# technique: global __builtins__ inside a function
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV200
# bytecode: PV502
def f():
    global __builtins__
    __builtins__ = {}
f()
