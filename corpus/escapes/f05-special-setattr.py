# technique: __setattr__ intercepts attribute stores
# source: pyverify threat model
# family: 5
# expect: rejected
# rules: PV103
# bytecode: PV502
class Watch:
    def __setattr__(self, name, value):
        print(name, value)
w = Watch()
w.x = 1
