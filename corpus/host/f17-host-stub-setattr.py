# technique: replace an attribute of the stub (its target or name) to redirect calls
# source: pyverify threat model
# family: 17
# expect: rejected
# rules: PV308
# expect-runtime: error
rate.name = "system"
print("ESCAPED")
