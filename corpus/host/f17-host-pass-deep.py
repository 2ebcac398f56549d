# technique: nesting deep enough to overflow a recursive decoder in the host
# source: pyverify threat model
# family: 17
# expect: accepted
# expect-runtime: error
x = []
for i in range(100000):
    x = [x]
record("invoice", x)
print("ESCAPED")
