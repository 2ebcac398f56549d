# fuzz_verify finding 6 (CI campaign), minimised: a class or function defined in dropped code is
# still a code object the bytecode layer checks; dead code does not reach into its body
x = 1
raise ValueError
print(later)
class C:
    print(inner)
    raise ValueError
    inner = 1
def g():
    return later
