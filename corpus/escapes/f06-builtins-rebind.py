# technique: rebinding __builtins__ changes what every later name lookup resolves to
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV200
# bytecode: PV502
__builtins__ = {"print": print, "len": len}
print(len("x"))
