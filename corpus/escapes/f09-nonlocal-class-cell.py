# technique: __class__ cell read explicitly in a method
# source: pyverify threat model
# family: 9
# expect: rejected
# rules: PV200
# bytecode: PV502
class C:
    def f(self):
        return __class__.__base__
print(C().f())
