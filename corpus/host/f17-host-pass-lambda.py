# technique: hand the host a callable, hoping it calls back into the program
# source: pyverify threat model (callbacks across the boundary)
# family: 17
# expect: accepted
# expect-runtime: error
record("callback", lambda: 1)
print("ESCAPED")
