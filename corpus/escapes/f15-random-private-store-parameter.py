# technique: store a library-private name (_randbelow) on random.Random through a parameter: the static layers refuse the name
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV306
# bytecode: PV519
import random


def hook(self, n):
    print("ESCAPED: random.Random calls the program's method from library code")
    return 0


def put(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj._randbelow = value


put(random.Random, hook)
random.shuffle([1, 2, 3])
