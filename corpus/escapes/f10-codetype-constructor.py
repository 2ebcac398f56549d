# technique: types.CodeType / FunctionType build functions from raw bytecode
# source: pyverify threat model
# family: 10
# expect: rejected
# rules: PV400
# bytecode: PV505
import types
code = (lambda: 0).__code__
print(types.FunctionType(code, {}))
