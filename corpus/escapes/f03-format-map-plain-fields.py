# technique: format_map is denied outright, even with plain fields (the mapping's __getitem__ receives names)
# source: CVE-2023-41039 (RestrictedPython)
# family: 3
# expect: rejected
# rules: PV301
# bytecode: PV503
print("{a}{b}".format_map({"a": 1, "b": 2}))
