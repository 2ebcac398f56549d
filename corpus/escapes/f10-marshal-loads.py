# technique: marshal.loads turns bytes into a code object
# source: pyverify threat model
# family: 10
# expect: rejected
# rules: PV400
# bytecode: PV505
import marshal
code = marshal.loads(b'\xe3')
exec(code)
