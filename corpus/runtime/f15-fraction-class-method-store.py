# technique: replace fractions.Fraction.limit_denominator (an ABCMeta class) through a parameter
# family: 15
# expect-status: error
import fractions


def hook(self, max_denominator=1000000):
    print("ESCAPED: library method replaced")
    return self


def put(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.limit_denominator = value


put(fractions.Fraction, hook)
print(fractions.Fraction(1, 3).limit_denominator(10))
