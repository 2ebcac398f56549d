# technique: cmath.sqrt calls the program's __complex__, which rewrites json.JSONEncoder: a store laundered through a cmath call
# family: 15
# expect-status: error
import cmath
import json


def put(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.item_separator = value


class Z:
    def __complex__(self):
        # called by cmath.sqrt (library C code), still the program's store
        put(json.JSONEncoder, "ESCAPED")
        return 1j


cmath.sqrt(Z())
print(json.dumps([1, 2]))
