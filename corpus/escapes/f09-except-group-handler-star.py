# technique: syntax the checker may not know: except* (TryStar)
# source: CVE-2025-22153 (RestrictedPython)
# family: 9
# expect: rejected
# rules: PV100
# bytecode: PV500
try:
    raise ExceptionGroup('g', [ValueError(1)])
except* ValueError as eg:
    print(eg.exceptions)
