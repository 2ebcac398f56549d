# technique: class statement inside a match case body, decorated with exec
# source: pyverify threat model
# family: 9
# expect: rejected
# rules: PV202
# bytecode: PV504
match 1:
    case 1:
        @exec
        class X:
            pass
