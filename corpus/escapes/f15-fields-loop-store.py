# technique: mutate every inherited Field in a loop (the match_args / replace getattr sinks)
# source: issue 14 (shapes 2 and 3)
# family: 15
# expect: rejected
# rules: PV307
# bytecode: PV520
import dataclasses


@dataclasses.dataclass
class P:
    a: int = 0


def poison():
    for fl in dataclasses.fields(P):
        fl.name = "real"


poison()
print(dataclasses.replace(P()))
