# technique: dataclasses.replace/asdict read getattr(obj, field.name): a mutated Field.name reads any dunder
# family: 15
# expect-status: error
import dataclasses


def put_name(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.name = value


@dataclasses.dataclass
class A:
    a: object = None


put_name(dataclasses.fields(A)[0], "__class__")
leak = dataclasses.asdict(A())
print("LEAKED", leak)
try:
    print("LEAKED", dataclasses.replace(A()))
except TypeError:
    pass
