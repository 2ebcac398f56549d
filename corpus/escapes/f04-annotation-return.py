# technique: open() in a return annotation
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
def handler() -> print(open("/etc/hostname").read()):
    return 1
