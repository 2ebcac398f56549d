# technique: format_map on a template that is not a literal (built at run time, so it may hold any field)
# source: CVE-2023-41039 (RestrictedPython)
# family: 3
# expect: rejected
# rules: PV304
# bytecode: PV506
t = "{x." + "__class__}"
print(t.format_map({"x": ()}))
