# technique: class keywords other than metaclass are passed to __init_subclass__
# source: pyverify threat model
# family: 5
# expect: rejected
# rules: PV102
# bytecode: PV506
class Base:
    pass
class Child(Base, plugin="x"):
    pass
