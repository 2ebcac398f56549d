# fuzz_verify finding 3, minimised and generalised: a module-level name bound only in code
# CPython's compiler drops (after raise/return/break/continue, behind a constant test) is
# unbound for the bytecode layer; the AST layer now agrees (ast_check.c, dead_from).
print(sum(len(b) for b in blocks))
if False:
    blocks = []
while True:
    break
else:
    extra = 1
print(extra)
def f():
    return 1
    global later
    later = 2
print(later)
class C:
    print(inner)
    raise ValueError
    inner = 1
raise ValueError
del blocks
