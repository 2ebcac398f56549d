# technique: type.mro() lists base classes without any dunder; [-1] is object
# source: pyverify threat model
# family: 2
# expect: rejected
# rules: PV301
# bytecode: PV503
root = bool.mro()[-1]
print(root.__subclasses__()[:3])
