# technique: itertools.starmap calls the program's store helper on fractions.Fraction: a store laundered through an itertools iterator
# family: 15
# expect-status: error
import fractions
import itertools


def hook(self, max_denominator=1000000):
    print("ESCAPED: library method replaced")
    return self


def put(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.limit_denominator = value


list(itertools.starmap(put, [(fractions.Fraction, hook)]))
print(fractions.Fraction(1, 3).limit_denominator(10))
