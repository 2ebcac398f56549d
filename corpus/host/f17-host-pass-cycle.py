# technique: a self-referencing list, to make an encoder loop or recurse without end
# source: pyverify threat model
# family: 17
# expect: accepted
# expect-runtime: error
a = []
a.append(a)
record("invoice", a)
print("ESCAPED")
