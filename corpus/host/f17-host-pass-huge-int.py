# technique: an integer beyond 64 bits, to overflow the host's number type
# source: pyverify threat model
# family: 17
# expect: accepted
# expect-runtime: error
record("invoice", 10 ** 40)
print("ESCAPED")
