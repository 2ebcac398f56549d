# technique: open() as a with item
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
with open("/etc/hostname") as f:
    print(f.read())
