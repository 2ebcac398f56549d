# technique: operator.attrgetter takes a dotted attribute path as a string
# source: simpleeval issue #138
# family: 3
# expect: rejected
# rules: PV400
# bytecode: PV505
import operator
get = operator.attrgetter("__class__.__base__")
print(get(()).__subclasses__())
