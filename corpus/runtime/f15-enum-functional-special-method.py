# technique: the enum functional API turns a member name string into a class attribute: '__getattr__' defines a special method the policy forbids
# family: 15
# expect-status: error
import enum


def hook(self, name):
    return "SPECIAL METHOD RAN for " + name


E = enum.Enum("E", [("A", 1), ("__getattr__", hook)])


class Probe:
    def __init__(self):
        self.anything = 0


print(E.A.anything)
