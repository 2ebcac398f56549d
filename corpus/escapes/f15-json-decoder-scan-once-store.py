# technique: replace a JSONDecoder's scan_once through a parameter (the name is the library's: PV306)
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV306
# bytecode: PV519
import json


def hook(s, idx):
    print("ESCAPED: the decoder's scanner replaced")
    raise StopIteration(idx)


def put(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.scan_once = value


dec = json.JSONDecoder()
put(dec, hook)
print(dec.decode("[1]"))
