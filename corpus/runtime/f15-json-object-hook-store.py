# technique: a json.loads object_hook (called from the decoder) rewrites JSONEncoder.key_separator from the decoded data
# family: 15
# expect-status: error
import json


def put(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.key_separator = value
    return value


def hook(d):
    # called from json's decoder (library code), still the program's store
    return put(json.JSONEncoder, d["sep"])


json.loads('{"sep": "ESCAPED"}', object_hook=hook)
print(json.dumps({"a": 1}))
