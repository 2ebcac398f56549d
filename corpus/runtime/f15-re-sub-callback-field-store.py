# technique: a re.sub callback (called from the regex engine) rewrites a Field's name
# family: 15
# expect-status: error
import dataclasses
import re


@dataclasses.dataclass
class A:
    a: object = None


def put_name(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.name = value
    return ""


f = dataclasses.fields(A)[0]
re.sub("x", lambda m: put_name(f, "__class__"), "x")
print("ESCAPED", dataclasses.asdict(A()))
