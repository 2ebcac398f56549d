# technique: walk in the iterable of an inner for-clause of a generator expression
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV300
# bytecode: PV503
names = list(c for _ in [0] for c in ().__class__.__base__.__subclasses__())
print(len(names))
