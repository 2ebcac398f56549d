# technique: metaclass deriving from type, with __call__ intercepting instantiation
# source: pyverify threat model
# family: 5
# expect: rejected
# rules: PV102,PV202
# bytecode: PV504
class Meta(type):
    def __call__(cls, *args):
        print("intercepted", cls)
class C(metaclass=Meta):
    pass
C()
