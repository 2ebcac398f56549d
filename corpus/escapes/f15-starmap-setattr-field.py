# technique: itertools.starmap(setattr, ...) stores a dunder into a Field's name from a C iterator
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV202
# bytecode: PV504
import dataclasses
import itertools


@dataclasses.dataclass
class A:
    a: int = 0


f = dataclasses.fields(A)[0]
list(itertools.starmap(setattr, [(f, "name", "__class__")]))
print("ESCAPED", dataclasses.asdict(A()))
