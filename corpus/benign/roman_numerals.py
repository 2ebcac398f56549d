# Roman numerals both ways, with for/else and while/else.
VALUES = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def to_roman(n):
    if not 0 < n < 4000:
        raise ValueError(f"out of range: {n}")
    out = []
    for value, sym in VALUES:
        count, n = divmod(n, value)
        out.append(sym * count)
    return "".join(out)


def from_roman(s):
    total = 0
    i = 0
    while i < len(s):
        for value, sym in VALUES:
            if s.startswith(sym, i):
                total += value
                i += len(sym)
                break
        else:
            raise ValueError(f"bad numeral {s!r} at {i}")
    else:
        if to_roman(total) != s:
            raise ValueError(f"non-canonical {s!r}")
    return total


for n in [1, 4, 9, 14, 40, 90, 400, 1994, 2024, 3999]:
    r = to_roman(n)
    assert from_roman(r) == n
    print(n, r)
for bad in ["IIII", "ABC", "MMXXIV"]:
    try:
        print(bad, from_roman(bad))
    except ValueError as e:
        print("error:", e)
