# technique: case object(__self__=m) on a builtin function yields the builtins module
# source: pyverify threat model
# family: 3
# expect: rejected
# rules: PV300
# bytecode: PV506
match print:
    case object(__self__=m):
        print(m.open("/etc/hostname").read())
