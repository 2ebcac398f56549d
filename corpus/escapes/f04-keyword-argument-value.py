# technique: open() inside a keyword argument's value
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
print("host:", end=open("/etc/hostname").read())
