# technique: storing into a class of an allowed module changes what the library (and every later lookup) sees
# family: 15
# expect-status: error
import json


def put(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.name = value
    obj.item_separator = value


put(json.JSONEncoder, "PWNED")
print(json.dumps([1, 2]))
