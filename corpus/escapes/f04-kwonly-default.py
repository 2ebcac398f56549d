# technique: walk hidden in a keyword-only default (kw_defaults, a list walkers forget)
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV300
# bytecode: PV503
def handler(event, *, classes=().__class__.__base__.__subclasses__()):
    return classes
print(len(handler(1)))
