# technique: f_locals of a suspended generator frame exposes (and in 3.11 leaks) locals
# source: pyverify threat model
# family: 2
# expect: rejected
# rules: PV301
# bytecode: PV503
def gen():
    hidden = "x"
    yield 1
g = gen()
next(g)
print(g.gi_frame.f_locals)
