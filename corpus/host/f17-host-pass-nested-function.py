# technique: a builtin function hidden deep in an otherwise plain structure
# source: pyverify threat model
# family: 17
# expect: accepted
# expect-runtime: error
record("invoice", {"lines": [{"amount": 1, "hook": [print]}]})
print("ESCAPED")
