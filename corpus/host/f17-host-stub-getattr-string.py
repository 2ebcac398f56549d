# technique: read a stub attribute named by a string
# source: pyverify threat model (family 3 through a host stub)
# family: 17
# expect: rejected
# rules: PV202
# expect-runtime: error
print(getattr(rate, "__self__"))
print("ESCAPED")
