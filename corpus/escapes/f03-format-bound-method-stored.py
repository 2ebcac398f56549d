# technique: '{0.__class__}'.format stored as a value and called later
# source: CVE-2023-41039 (RestrictedPython)
# family: 3
# expect: rejected
# rules: PV304
# bytecode: PV506
render = "{0.__class__.__mro__}".format
print(render(()))
