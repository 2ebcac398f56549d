# technique: json.decoder is a submodule re-exporting re
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV400
# bytecode: PV505
import json.decoder
print(json.decoder.re)
