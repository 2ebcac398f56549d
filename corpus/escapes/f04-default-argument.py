# technique: object-graph walk hidden in a default argument value
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV300
# bytecode: PV503
def handler(event, classes=().__class__.__base__.__subclasses__()):
    return len(classes)
print(handler(None))
