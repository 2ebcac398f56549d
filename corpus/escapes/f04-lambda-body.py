# technique: open() inside a lambda body
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
show = lambda: print(open("/etc/hostname").read())
show()
