# technique: object.__getattribute__(x, name) reads any attribute by string
# source: pyverify threat model
# family: 1
# expect: rejected
# rules: PV300
# bytecode: PV503
klass = object.__getattribute__((), "__class__")
print(klass.__base__)
