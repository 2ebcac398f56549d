# technique: an Enum class body binds a program function to a special-method name (__getattr__) the policy forbids
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV200
# bytecode: PV502
import enum


def hook(self, name):
    return "ESCAPED: " + name


class E(enum.Enum):
    A = 1
    __getattr__ = hook


print(E.A.anything)
