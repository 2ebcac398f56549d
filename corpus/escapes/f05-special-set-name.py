# technique: __set_name__ is called for every descriptor when the owner class is created
# source: pyverify threat model
# family: 5
# expect: rejected
# rules: PV103
# bytecode: PV502
class Field:
    def __set_name__(self, owner, name):
        print("owner", owner, name)
class Model:
    f = Field()
