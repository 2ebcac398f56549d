# technique: typing module (and typing.sys) not allowed
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV400
# bytecode: PV505
import typing
P = typing.NamedTuple('P', [('x', int)])
