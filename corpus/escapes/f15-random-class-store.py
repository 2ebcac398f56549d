# technique: replace random.Random._randbelow (random.shuffle then runs the program's method)
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV307
# bytecode: PV520
import random


def hook(self, n):
    print("ESCAPED: random.Random calls the program's method from library code")
    return 0


random.Random._randbelow = hook
random.shuffle([1, 2, 3])
