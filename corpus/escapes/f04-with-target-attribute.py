# technique: a with statement's target is a dunder attribute store
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV300
# bytecode: PV503
class A:
    pass
class B:
    pass
class Ctx:
    def __enter__(self):
        return B
    def __exit__(self, *a):
        return False
a = A()
with Ctx() as a.__class__:
    pass
print(a)
