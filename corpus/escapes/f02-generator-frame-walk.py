# technique: a running generator's gi_frame.f_back walks up the stack to the host's frames
# source: CVE-2023-37271 (RestrictedPython)
# family: 2
# expect: rejected
# rules: PV301
# bytecode: PV503
def walker():
    yield gen.gi_frame.f_back
gen = walker()
frame = next(gen)
while frame is not None:
    b = frame.f_builtins
    frame = frame.f_back
print(b["open"]("/etc/hostname").read())
