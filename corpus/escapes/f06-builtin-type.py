# technique: type is not an allowed builtin: type(x) leaks classes and type(name, bases, dict) makes them
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV202
# bytecode: PV504
print(type(()).mro())
