# technique: open() hidden in a lambda's default argument
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
reader = lambda data=open("/etc/hostname").read(): data
print(reader())
