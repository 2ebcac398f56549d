# technique: case AttributeError(obj=o): exception-carried object read through a pattern
# source: CVE-2024-47532 (RestrictedPython)
# family: 3
# expect: rejected
# rules: PV301
# bytecode: PV506
try:
    print.missing
except AttributeError as e:
    match e:
        case AttributeError(obj=o):
            print(o)
