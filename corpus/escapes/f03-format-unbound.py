# technique: unbound str.format(template, x): the receiver is not a string literal
# source: CVE-2023-41039 (RestrictedPython)
# family: 3
# expect: rejected
# rules: PV304
# bytecode: PV506
def f():
    pass
print(str.format("{0.__globals__}", f))
