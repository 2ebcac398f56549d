# technique: super().__getattribute__ is not one of the special methods the super() exception covers
# source: pyverify threat model
# family: 1
# expect: rejected
# rules: PV300
# bytecode: PV503
class C:
    def leak(self):
        return super().__getattribute__("__class__").__base__.__subclasses__()
print(len(C().leak()))
