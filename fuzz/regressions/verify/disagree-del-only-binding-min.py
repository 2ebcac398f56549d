# fuzz_verify finding 1, minimised: a module-level name bound only by del
print(sum(len(b) for b in blocks))
del blocks
class C:
    print(y)
    del y
