# technique: walk inside a starred call argument
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV300
# bytecode: PV503
print(*().__class__.__base__.__subclasses__()[:2])
