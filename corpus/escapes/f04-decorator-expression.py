# technique: the walk hidden in a decorator expression, evaluated at definition time
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV300
# bytecode: PV503
@(lambda f: [c for c in ().__class__.__base__.__subclasses__() if c.__name__ == "_wrap_close"][0].__init__.__globals__["system"]("id"))
def task():
    pass
