# fuzz_verify finding 2, minimised: a name bound only by an annotation without a value
total: int
print(total)
class C:
    size: int
    print(size)
