# technique: gi_frame.f_globals of a generator is the module namespace, with __builtins__
# source: CVE-2023-37271 (RestrictedPython)
# family: 2
# expect: rejected
# rules: PV301
# bytecode: PV503
g = (x for x in [1])
ns = g.gi_frame.f_globals
print(ns["__builtins__"])
