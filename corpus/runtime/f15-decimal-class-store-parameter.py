# technique: replace decimal.Decimal.sqrt through a parameter (an immutable C type: the runtime layer refuses before CPython does)
# family: 15
# expect-status: error
import decimal


def hook(self, context=None):
    print("ESCAPED: library method replaced")
    return self


def put(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    # (CPython refuses too: Decimal is an immutable C type; the runtime layer refuses first)
    obj.sqrt = value


put(decimal.Decimal, hook)
print(decimal.Decimal(2).sqrt())
