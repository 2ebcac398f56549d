# technique: module object passed to a function that reaches its re-exports
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV204
# bytecode: PV508
import statistics
def reach(mod):
    return mod.sys
print(reach(statistics).modules['os'])
