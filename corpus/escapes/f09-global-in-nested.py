# technique: global declaration in a nested function writes __builtins__
# source: pyverify threat model
# family: 9
# expect: rejected
# rules: PV200
# bytecode: PV502
def a():
    def b():
        global __builtins__
        __builtins__ = None
    b()
a()
