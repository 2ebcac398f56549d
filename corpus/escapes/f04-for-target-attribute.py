# technique: a for loop's target is a dunder attribute store
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV300
# bytecode: PV503
class A:
    pass
class B:
    pass
a = A()
for a.__class__ in [B]:
    pass
print(a)
