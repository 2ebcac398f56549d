# technique: co_names of a code object read via gi_code: the names Odoo's safe_eval checks
# source: Odoo safe_eval
# family: 10
# expect: rejected
# rules: PV301
# bytecode: PV503
g = (x for x in [1])
print(g.gi_code.co_names, g.gi_code.co_varnames)
