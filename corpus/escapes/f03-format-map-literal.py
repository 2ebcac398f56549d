# technique: format_map with a dict: same traversal, and the mapping may be any object
# source: CVE-2023-41039 (RestrictedPython)
# family: 3
# expect: rejected
# rules: PV304
# bytecode: PV506
print("{x.__class__.__base__}".format_map({"x": ()}))
