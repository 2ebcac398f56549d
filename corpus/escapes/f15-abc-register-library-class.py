# technique: ABCMeta.register on a library class (reached via a throwaway "x.register = None") makes the library take any class for a Fraction
# source: issue 14 (shape 3); the runtime layer refuses it alone too (tests/runtime/test_run.c f15_abc_register_library)
# family: 15
# expect: rejected
# rules: PV306
# bytecode: PV519
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
