# technique: ag_frame of an async generator reaches frames and globals
# source: CVE-2023-37271 (RestrictedPython)
# family: 2
# expect: rejected
# rules: PV100,PV301
# bytecode: PV503
async def agen():
    yield 1
a = agen()
print(a.ag_frame.f_globals["__builtins__"])
