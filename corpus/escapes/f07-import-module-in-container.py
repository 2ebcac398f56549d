# technique: module object stored in a list
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV204
# bytecode: PV508
import datetime
holder = [datetime]
print(holder[0].sys.modules['os'])
