# technique: int.__mro__[-1] is object; object.__subclasses__() reaches every class
# source: pyverify threat model
# family: 1
# expect: rejected
# rules: PV300
# bytecode: PV503
classes = (1).__class__.__mro__[-1].__subclasses__()
loader = [c for c in classes if "BuiltinImporter" in repr(c)][0]
print(loader.load_module("posix").system("id"))
