# technique: replace random.Random.shuffle on the library class through a parameter
# family: 15
# expect-status: error
import random


def hook(x):
    print("ESCAPED: library object rewritten")


def put(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.shuffle = value


put(random.Random, hook)
random.Random(1).shuffle([1, 2, 3])
