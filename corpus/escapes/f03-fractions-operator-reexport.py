# technique: attrgetter reached through the allowed fractions module's re-export of operator
# source: pyverify threat model
# family: 3
# expect: rejected
# rules: PV303
# bytecode: PV508
import fractions
get = fractions.operator.attrgetter("__class__.__base__")
print(get(()))
