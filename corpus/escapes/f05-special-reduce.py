# technique: __reduce__ returns a callable that copy/pickle call on the program's behalf
# source: pickle documentation: __reduce__
# family: 5
# expect: rejected
# rules: PV103
# bytecode: PV502
import dataclasses
class Payload:
    def __reduce__(self):
        return (print, ("called by copy",))
@dataclasses.dataclass
class Holder:
    item: object
print(dataclasses.asdict(Holder(Payload())))
