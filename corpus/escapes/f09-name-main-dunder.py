# technique: __name__ and other module dunders are names the checker must see even in comparisons
# source: pyverify threat model
# family: 9
# expect: rejected
# rules: PV200
# bytecode: PV502
if __name__ == '__main__':
    print(__builtins__)
