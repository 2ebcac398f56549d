# technique: code.replace(co_code=...) builds a code object with hand-written bytecode
# source: pyverify threat model
# family: 10
# expect: rejected
# rules: PV300
# bytecode: PV503
def f():
    return 1
f.__code__ = f.__code__.replace(co_code=b'\x97\x00d\x01S\x00')
print(f())
