# technique: math.floor calls the program's __floor__, which rewrites a Field's name: a store laundered through a math call
# family: 15
# expect-status: error
import dataclasses
import math


@dataclasses.dataclass
class A:
    a: object = None


def put_name(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.name = value


class Num:
    def __init__(self, field):
        self.field = field

    def __floor__(self):
        # called by math.floor (library C code), still the program's store
        put_name(self.field, "__class__")
        return 0


math.floor(Num(dataclasses.fields(A)[0]))
print("ESCAPED", dataclasses.asdict(A()))
