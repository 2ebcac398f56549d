# technique: setattr writes a dunder attribute named by a string
# source: pyverify threat model
# family: 3
# expect: rejected
# rules: PV202
# bytecode: PV504
class A:
    pass
class B:
    pass
a = A()
setattr(a, "__class__", B)
print(a)
