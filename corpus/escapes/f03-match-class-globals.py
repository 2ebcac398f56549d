# technique: case object(__globals__=g) on a function reads its globals
# source: Odoo safe_eval: match-class keyword names live in co_consts
# family: 3
# expect: rejected
# rules: PV300
# bytecode: PV506
def f():
    pass
match f:
    case object(__globals__={"__builtins__": b}):
        print(b)
