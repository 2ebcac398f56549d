# technique: a str subclass as a dict key and value, whose methods would run in encoding
# source: pyverify threat model
# family: 17
# expect: accepted
# expect-runtime: error
class K(str):
    def __hash__(self):
        return 1


record("invoice", {K("k"): K("v")})
print("ESCAPED")
