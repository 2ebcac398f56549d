# technique: swap the callable a functools.partialmethod holds (func) for a builtin through a parameter
# family: 15
# expect-status: error
import functools


def double(self, x):
    return 2 * x


pm = functools.partialmethod(double)


class Calc:
    twice = pm


def put(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.func = value


put(pm, print)
Calc().twice("ESCAPED: partialmethod calls a callable the program swapped in")
