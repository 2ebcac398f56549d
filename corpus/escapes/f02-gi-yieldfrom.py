# technique: gi_yieldfrom exposes the inner iterator a generator delegates to
# source: pyverify threat model
# family: 2
# expect: rejected
# rules: PV301
# bytecode: PV503
def outer(it):
    yield from it
o = outer(iter([1, 2]))
next(o)
print(o.gi_yieldfrom)
