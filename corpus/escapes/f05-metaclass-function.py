# technique: metaclass= with a plain function runs code at class creation and gets the namespace
# source: pyverify threat model
# family: 5
# expect: rejected
# rules: PV102
# bytecode: PV506
def meta(name, bases, ns):
    print("creating", name, sorted(ns))
    return ns
class C(metaclass=meta):
    x = 1
