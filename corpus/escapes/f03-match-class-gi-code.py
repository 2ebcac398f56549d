# technique: case object(gi_code=c): non-dunder introspection attribute through a pattern
# source: pyverify threat model
# family: 3
# expect: rejected
# rules: PV301
# bytecode: PV506
g = (x for x in [1])
match g:
    case object(gi_code=code):
        print(code)
