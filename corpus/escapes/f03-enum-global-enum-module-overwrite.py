# technique: (hole found while writing the corpus, now closed) enum.Enum(..., module='builtins') then enum.global_enum(E) runs sys.modules[E.__module__].__dict__.update(members): the program overwrites names in any loaded module (builtins, json, or the runtime layer's own modules) by naming it in a string (fix: drop enum.global_enum from enum's members)
# source: pyverify threat model
# family: 3
# expect: rejected
# rules: PV303
# bytecode: PV508
import enum
import json
Hijack = enum.Enum("Hijack", {"dumps": "hijacked"}, module="json", type=str)
enum.global_enum(Hijack)
print(repr(json.dumps))
Clobber = enum.Enum("Clobber", {"len": 3}, module="builtins", type=int)
enum.global_enum(Clobber)
