# technique: typing.get_type_hints evaluates string annotations with eval
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV400
# bytecode: PV505
import typing
def f(x: "__import__('os').system('id')"):
    pass
typing.get_type_hints(f)
