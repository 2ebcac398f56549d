# fuzz_verify finding 7 (CI campaign), minimised: an attribute stored only in dropped code
class P:
    pass
p = P()
print(p.points)
raise ValueError
p.points = 1
