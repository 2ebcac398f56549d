# technique: assigning __class__ changes an object's type behind the checker's back
# source: pyverify threat model
# family: 1
# expect: rejected
# rules: PV300
# bytecode: PV503
class A:
    pass
class B:
    def run(self):
        return "B"
a = A()
a.__class__ = B
print(a.run())
