# technique: statistics.Fraction.register (ABCMeta, reached via a throwaway store) makes any class a Fraction
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV306
# bytecode: PV519
import statistics


class Fake:
    def __init__(self):
        self.register = None


statistics.Fraction.register(Fake)
print("ESCAPED", isinstance(Fake(), statistics.Fraction))
