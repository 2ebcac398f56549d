# technique: template built at run time by concatenation, then .format
# source: CVE-2023-41039 (RestrictedPython)
# family: 3
# expect: rejected
# rules: PV304
# bytecode: PV506
def f():
    pass
tmpl = "{0." + "_" * 2 + "globals" + "_" * 2 + "}"
print(tmpl.format(f))
