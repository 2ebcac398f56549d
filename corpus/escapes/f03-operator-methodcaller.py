# technique: operator.methodcaller calls a method named by a string
# source: simpleeval issue #138
# family: 3
# expect: rejected
# rules: PV400
# bytecode: PV505
import operator
call = operator.methodcaller("__subclasses__")
print(call(object))
