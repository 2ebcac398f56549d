# technique: from the stub to object.__subclasses__() through its class
# source: pyverify threat model (family 1 through a host stub)
# family: 17
# expect: rejected
# rules: PV308
# expect-runtime: error
for c in record.__class__.__mro__[-1].__subclasses__():
    print(c)
print("ESCAPED")
