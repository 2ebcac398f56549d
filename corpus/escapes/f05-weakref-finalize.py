# technique: weakref.finalize schedules a call after the program's object dies
# source: pyverify threat model
# family: 5
# expect: rejected
# rules: PV400
# bytecode: PV505
import weakref
class Obj:
    pass
o = Obj()
weakref.finalize(o, print, "finalizer")
