# technique: the dunder exists only in a MATCH_CLASS keyword tuple constant, never in co_names
# source: Odoo safe_eval: strings in co_consts are invisible to a co_names check
# family: 10
# expect: rejected
# rules: PV300
# bytecode: PV506
def f():
    pass
match f:
    case object(__code__=c):
        print(c)
