# technique: assigning f_trace on a frame installs a tracer
# source: pyverify threat model
# family: 2
# expect: rejected
# rules: PV301
# bytecode: PV503
def gen():
    yield 1
    yield 2
g = gen()
next(g)
g.gi_frame.f_trace = print
print(next(g))
