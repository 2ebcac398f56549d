# technique: replace collections.Counter.most_common on the library class through a parameter
# family: 15
# expect-status: error
import collections


def hook(self, n=None):
    print("ESCAPED: library method replaced")
    return []


def put(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.most_common = value


put(collections.Counter, hook)
print(collections.Counter("abca").most_common(1))
