# technique: walk buried in a lambda in a default of a method of a class inside a function
# source: pyverify threat model
# family: 9
# expect: rejected
# rules: PV300
# bytecode: PV503
def outer():
    class Inner:
        def m(self, f=lambda: ().__class__.__base__.__subclasses__()):
            return f()
    return Inner().m()
print(len(outer()))
