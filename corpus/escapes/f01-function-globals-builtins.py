# technique: a function's __globals__ holds the real __builtins__ of the module
# source: pyverify threat model
# family: 1
# expect: rejected
# rules: PV300
# bytecode: PV503
def helper():
    return 0
real = helper.__globals__["__builtins__"]
opener = real["open"] if isinstance(real, dict) else real.open
print(opener("/etc/hostname").read())
