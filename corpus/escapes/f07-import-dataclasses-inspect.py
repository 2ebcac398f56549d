# technique: dataclasses re-exports inspect (frames)
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV303
# bytecode: PV508
import dataclasses
print(dataclasses.inspect.currentframe().f_globals)
