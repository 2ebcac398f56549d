# technique: open reads files
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV202
# bytecode: PV504
print(open("/etc/hostname").read())
