# technique: deleting __builtins__ (a known CPython crasher source in older versions)
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV200
# bytecode: PV502
del __builtins__
print("gone")
