# technique: object.__setattr__ on a dataclasses.Field: its name reaches asdict's getattr
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV300
# bytecode: PV503
import dataclasses


@dataclasses.dataclass
class A:
    a: object = None


object.__setattr__(dataclasses.fields(A)[0], "name", "__class__")
print("ESCAPED", dataclasses.asdict(A()))
