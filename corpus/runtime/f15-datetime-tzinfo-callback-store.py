# technique: datetime calls the program tzinfo's utcoffset, which rewrites a Field's name: a store laundered through datetime's C code
# family: 15
# expect-status: error
import dataclasses
import datetime


@dataclasses.dataclass
class A:
    a: object = None


def put_name(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.name = value


class Zone(datetime.tzinfo):
    def __init__(self, field):
        self.field = field

    def utcoffset(self, dt):
        # called by datetime's C code, still the program's store
        put_name(self.field, "__class__")
        return datetime.timedelta(0)


datetime.datetime(2020, 1, 1, tzinfo=Zone(dataclasses.fields(A)[0])).utcoffset()
print("ESCAPED", dataclasses.asdict(A()))
