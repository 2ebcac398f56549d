# technique: string.Formatter().get_field resolves '0.__class__' paths
# source: CVE-2023-41039 (RestrictedPython)
# family: 3
# expect: rejected
# rules: PV400
# bytecode: PV505
import string
field, _ = string.Formatter().get_field("0.__class__.__base__", [()], {})
print(field.__subclasses__())
