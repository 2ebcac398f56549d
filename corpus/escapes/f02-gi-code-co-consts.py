# technique: gi_code.co_consts exposes the code object's constants (and co_code its bytes)
# source: pyverify threat model
# family: 2
# expect: rejected
# rules: PV301
# bytecode: PV503
g = (x for x in "abc")
code = g.gi_code
print(code.co_consts, code.co_code)
