# technique: swap the callable a cached_property holds (func) for a builtin: the library object reached through a parameter
# family: 15
# expect-status: error
import functools


def compute(self):
    return 42


cp = functools.cached_property(compute)


class Box:
    value = cp


def put(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.func = value


put(cp, print)
print("ESCAPED: cached_property now calls", Box().value)
