# technique: template assembled from chr() codes so that no literal contains a dunder
# source: CVE-2023-41039 (RestrictedPython)
# family: 3
# expect: rejected
# rules: PV304
# bytecode: PV506
u = chr(95) * 2
tmpl = "".join(["{0.", u, "class", u, ".", u, "base", u, "}"])
print(tmpl.format(()))
