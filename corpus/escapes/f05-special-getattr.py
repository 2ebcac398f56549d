# technique: __getattr__ is called implicitly with attribute names as strings
# source: pyverify threat model
# family: 5
# expect: rejected
# rules: PV103
# bytecode: PV502
class Proxy:
    def __getattr__(self, name):
        return name
print(Proxy().anything)
