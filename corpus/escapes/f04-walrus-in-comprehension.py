# technique: walk inside an assignment expression inside a comprehension
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV300
# bytecode: PV503
found = [(k := ().__class__.__base__) for _ in [0]]
print(k.__subclasses__()[:1])
