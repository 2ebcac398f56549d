# technique: (hole found while writing the corpus, now closed) functools.singledispatch register() calls typing.get_type_hints, which evals a string annotation with the real builtins (fix: drop singledispatch/singledispatchmethod from functools' members)
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV303
# bytecode: PV508
import functools
class Names:
    register = 0
@functools.singledispatch
def show(x):
    return "object"
@show.register
def show_int(x: "__import__('os').system('id') or int"):
    return "int"
