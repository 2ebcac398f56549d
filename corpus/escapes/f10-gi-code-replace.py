# technique: gi_code.replace on a generator's code object, without any dunder
# source: pyverify threat model
# family: 10
# expect: rejected
# rules: PV301
# bytecode: PV503
g = (x for x in [1])
new = g.gi_code.replace(co_names=('system',))
print(new)
