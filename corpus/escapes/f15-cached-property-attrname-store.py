# technique: rewrite a cached_property's attrname/func (a library object whose fields reach instance.__dict__ and a call)
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV306
# bytecode: PV519
import functools


def compute(self):
    return 42


cp = functools.cached_property(compute)


class Box:
    value = cp


def put(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.attrname = value
    obj.func = print


put(cp, "__class__")
print("ESCAPED", Box().value)
