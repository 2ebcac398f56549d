# technique: special method bound by assignment in the class body instead of def
# source: pyverify threat model
# family: 5
# expect: rejected
# rules: PV200
# bytecode: PV502
class Proxy:
    __getattr__ = lambda self, name: name
print(Proxy().anything)
