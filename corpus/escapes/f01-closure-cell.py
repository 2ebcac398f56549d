# technique: __closure__ exposes another function's captured variables
# source: pyverify threat model
# family: 1
# expect: rejected
# rules: PV300
# bytecode: PV503
def make():
    secret = print.__self__
    def inner():
        return secret
    return inner
cell = make().__closure__[0]
print(cell.cell_contents.open("/etc/hostname").read())
