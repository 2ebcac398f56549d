# technique: ().__class__.__bases__[0].__subclasses__() then catch_warnings()._module.__builtins__
# source: Ned Batchelder, 'Eval really is dangerous' (2012)
# family: 1
# expect: rejected
# rules: PV300
# bytecode: PV503
for cls in ().__class__.__bases__[0].__subclasses__():
    if cls.__name__ == "catch_warnings":
        b = cls()._module.__builtins__
        print(b["open"]("/etc/hostname").read())
