# technique: nested match-class patterns read gi_frame, f_back and f_globals with no Attribute node
# source: pyverify threat model
# family: 2
# expect: rejected
# rules: PV301
# bytecode: PV506
def walker():
    yield g
g = walker()
match g:
    case object(gi_frame=object(f_globals=ns)):
        print(ns["__builtins__"])
