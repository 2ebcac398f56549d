# technique: replace statistics.NormalDist.samples on the library class through a parameter
# family: 15
# expect-status: error
import statistics


def hook(self, n, *, seed=None):
    print("ESCAPED: library method replaced")
    return []


def put(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.samples = value


put(statistics.NormalDist, hook)
print(statistics.NormalDist(0, 1).samples(2, seed=1))
