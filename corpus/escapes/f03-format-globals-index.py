# technique: str.format field with attribute and index: '{0.__globals__[__builtins__]}'
# source: CVE-2023-41039 (RestrictedPython)
# family: 3
# expect: rejected
# rules: PV304
# bytecode: PV506
def f():
    pass
print("{0.__globals__[__builtins__]}".format(f))
