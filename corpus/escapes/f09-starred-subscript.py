# technique: 3.11 star expression in a subscript hides a walk (x[*a] is new syntax)
# source: pyverify threat model
# family: 9
# expect: rejected
# rules: PV300
# bytecode: PV503
data = {}
try:
    print(data[*().__class__.__base__.__subclasses__()[:1]])
except KeyError:
    pass
