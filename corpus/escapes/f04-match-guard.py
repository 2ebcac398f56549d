# technique: open() hidden in a match guard
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
match 1:
    case 1 if print(open("/etc/hostname").read()) is None:
        pass
