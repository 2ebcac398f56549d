# te+hniq pyvel
# family: 5
# expect: rejected
# rules: PV103
# bytecode: PV502
class Singleton:
    def delattr(cls):
        return cls
