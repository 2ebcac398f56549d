# technique: except* with an ExceptionGroup subclass whose split() returns a bogus pair corrupts memory in 3.11
# source: python/cpython#128049; CVE-2025-22153 (RestrictedPython)
# family: 11
# expect: rejected
# rules: PV100
# bytecode: PV500
class Bad(ExceptionGroup):
    def split(self, cond):
        return (self, 1)
try:
    raise Bad('x', [ValueError(1)])
except* ValueError:
    pass
