# technique: assigning __code__ makes a function run another function's code
# source: pyverify threat model
# family: 1
# expect: rejected
# rules: PV300
# bytecode: PV503
def harmless():
    return 1
def other():
    return 2
harmless.__code__ = other.__code__
print(harmless.__code__.co_names)
