# technique: __init__.__globals__ of a class from an allowed module reaches that module's imports (sys)
# source: pyverify threat model
# family: 1
# expect: rejected
# rules: PV300
# bytecode: PV503
import dataclasses
sysmod = dataclasses.Field.__init__.__globals__["sys"]
sysmod.modules["os"].system("id")
