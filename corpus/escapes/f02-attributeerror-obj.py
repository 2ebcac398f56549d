# technique: AttributeError.obj carries the object whose attribute lookup failed
# source: CVE-2024-47532 (RestrictedPython)
# family: 2
# expect: rejected
# rules: PV301
# bytecode: PV503
try:
    print.nothing_here
except AttributeError as e:
    leaked = e.obj
print(leaked)
