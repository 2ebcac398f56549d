# technique: str.format replacement fields traverse attributes: '{0.__class__.__base__}'
# source: CVE-2023-41039 (RestrictedPython); Armin Ronacher, 'Be Careful with Python's New-Style String Format' (2016)
# family: 3
# expect: rejected
# rules: PV304
# bytecode: PV506
print("{0.__class__.__base__.__subclasses__}".format(()))
