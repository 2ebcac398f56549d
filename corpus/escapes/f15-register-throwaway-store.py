# technique: a throwaway store makes 'register' program-defined; ABCMeta.register via a UserDict subclass
# source: issue 14 (shape 3)
# family: 15
# expect: rejected
# rules: PV306
# bytecode: PV519
import collections


class P(collections.UserDict):
    pass


class Junk:
    pass


j = Junk()
j.register = None
P.register(int)
print(isinstance(1, P))
