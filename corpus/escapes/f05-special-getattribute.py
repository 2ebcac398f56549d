# technique: __getattribute__ intercepts every attribute read
# source: pyverify threat model
# family: 5
# expect: rejected
# rules: PV103
# bytecode: PV502
class Spy:
    def __getattribute__(self, name):
        return object.__getattribute__(self, name)
print(Spy())
