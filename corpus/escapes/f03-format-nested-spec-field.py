# technique: attribute traversal inside a nested format-spec field: '{0:{1.__class__}}'
# source: CVE-2023-41039 (RestrictedPython)
# family: 3
# expect: rejected
# rules: PV304
# bytecode: PV506
print("{0:{1.__class__.__name__}}".format(1, ()))
