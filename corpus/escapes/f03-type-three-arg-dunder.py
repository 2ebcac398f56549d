# technique: type(name, bases, dict) with dunder keys defines special methods from strings
# source: pyverify threat model
# family: 3
# expect: rejected
# rules: PV202
# bytecode: PV504
Spy = type("Spy", (), {"__getattr__": lambda self, name: name, "__init_subclass__": classmethod(lambda cls: print(cls))})
print(Spy().anything)
