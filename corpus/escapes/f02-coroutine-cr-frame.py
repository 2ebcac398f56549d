# technique: cr_frame of a coroutine object reaches frames and globals
# source: CVE-2023-37271 (RestrictedPython)
# family: 2
# expect: rejected
# rules: PV100,PV301
# bytecode: PV503
async def co():
    return 1
c = co()
print(c.cr_frame.f_globals["__builtins__"])
c.close()
