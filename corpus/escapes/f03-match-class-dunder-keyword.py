# technique: match-class keyword pattern case tuple(__class__=c) reads an attribute with no Attribute node
# source: Odoo safe_eval: match-class keyword names live in co_consts
# family: 3
# expect: rejected
# rules: PV300
# bytecode: PV506
match ():
    case tuple(__class__=c):
        print(c.__base__.__subclasses__())
