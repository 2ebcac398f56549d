# technique: a literal item key that is a dunder name in a format template (items may not read attributes, refused for clarity)
# source: CVE-2023-41039 (RestrictedPython), issue 16
# family: 3
# expect: rejected
# rules: PV304
# bytecode: PV506
print("{0[__class__]}".format({"__class__": 1}))
