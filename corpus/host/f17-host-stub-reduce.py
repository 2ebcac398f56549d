# technique: pickle protocol on the stub to reach its constructor and arguments
# source: pyverify threat model
# family: 17
# expect: rejected
# rules: PV308
# expect-runtime: error
print(rate.__reduce_ex__(2))
print("ESCAPED")
