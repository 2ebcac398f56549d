# technique: json re-exports codecs (codecs.open reads files)
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV303
# bytecode: PV508
import json
print(json.codecs.open('/etc/hostname').read())
