# technique: __init_subclass__ runs when any subclass is defined
# source: pyverify threat model
# family: 5
# expect: rejected
# rules: PV103
# bytecode: PV502
class Base:
    def __init_subclass__(cls, **kw):
        print("subclass", cls, kw)
class Child(Base):
    pass
