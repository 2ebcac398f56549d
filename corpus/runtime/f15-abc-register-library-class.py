# technique: ABCMeta.register on a library class (reached via a throwaway "x.register = None") makes the library take any class for a Fraction
# family: 15
# expect-status: error
import fractions


class Half:
    def __init__(self):
        self.register = None


class Mine(fractions.Fraction):
    pass


Mine.register(Half)
print(isinstance(Half(), Mine))
fractions.Fraction.register(Half)
print(isinstance(Half(), fractions.Fraction))
