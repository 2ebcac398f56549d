# technique: hand the host an instance whose special methods run during encoding
# source: pyverify threat model
# family: 17
# expect: accepted
# expect-runtime: error
class Sneaky:
    def __str__(self):
        return "run me"

    def __float__(self):
        return 1.0


record("invoice", Sneaky())
print("ESCAPED")
