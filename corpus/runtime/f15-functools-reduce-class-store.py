# technique: functools.reduce calls the program's store helper with collections.Counter: a store laundered through reduce
# family: 15
# expect-status: error
import collections
import functools


def hook(self, n=None):
    print("ESCAPED: library method replaced")
    return []


def put(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.most_common = value
    return obj


functools.reduce(put, [hook], collections.Counter)
print(collections.Counter("abca").most_common(1))
