# technique: dataclasses.dataclass(json.JSONEncoder): library code rewrites a library class (setattr from a dataclasses frame)
# family: 15
# expect-status: error
import dataclasses
import json


def decorate(cls):
    # the argument's type is unknown to the static layers: only the runtime layer can refuse
    return dataclasses.dataclass(cls)


decorate(json.JSONEncoder)
print("ESCAPED: library class rewritten by dataclass", json.JSONEncoder())
