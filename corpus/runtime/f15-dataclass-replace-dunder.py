# technique: dataclasses.replace/asdict read getattr(obj, field.name): a mutated Field.name reads any dunder
# family: 15
# expect-status: error
import dataclasses


@dataclasses.dataclass
class A:
    a: object = None


dataclasses.fields(A)[0].name = "__class__"
leak = dataclasses.asdict(A())
print("LEAKED", leak)
try:
    print("LEAKED", dataclasses.replace(A()))
except TypeError:
    pass
