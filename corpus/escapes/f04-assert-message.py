# technique: open() in an assert message
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
assert False, open("/etc/hostname").read()
