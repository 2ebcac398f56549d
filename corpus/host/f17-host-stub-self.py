# technique: read the bound self of a host-function stub (a builtin would give its module)
# source: pyverify threat model (RestrictedPython-style host objects)
# family: 17
# expect: rejected
# rules: PV308
# expect-runtime: error
print(rate.__self__)
print("ESCAPED")
