# technique: module object returned from a function
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV204
# bytecode: PV508
import json
def get():
    return json
print(get().codecs)
