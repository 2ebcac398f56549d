# technique: walk the closure of a host-function stub to reach host state
# source: pyverify threat model
# family: 17
# expect: rejected
# rules: PV308
# expect-runtime: error
print(rate.__closure__[0].cell_contents)
print("ESCAPED")
