# technique: a call whose arguments are small one by one and large together
# source: pyverify threat model
# family: 17
# expect: accepted
# expect-runtime: host_limit
record("invoice", *(["0123456789abcdef" * 64] * 2048))
print("ESCAPED")
