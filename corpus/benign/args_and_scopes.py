# Star-args, keyword-only and positional-only parameters, walrus, globals, del, chained comparisons.
calls = 0


def tally():
    global calls
    calls += 1
    return calls


def describe(a, b=2, /, c=3, *rest, flag=False, **options):
    tally()
    return f"a={a} b={b} c={c} rest={rest} flag={flag} options={sorted(options.items())}"


print(describe(1))
print(describe(1, 20, 30, 40, 50, flag=True, colour="red", size=9))
args = [7, 8]
kwargs = {"c": 9, "mode": "x"}
print(describe(*args, **kwargs))
print("calls:", calls)

data = [4, 8, 15, 16, 23, 42]
if (n := len(data)) > 5:
    print(f"{n} items, mean {sum(data) / n:.2f}")
print([y for x in data if (y := x * x) % 2 == 0])
print(1 < 2 <= 2 < 3 != 4, 5 > 3 > 4, "a" < "b" < "c")
first, *middle, last = data
print(first, middle, last)
(a, b), c = (1, 2), 3
a, b = b, a
print(a, b, c)
d = {"x": 1, "y": 2, "z": 3}
del d["y"], data[0]
print(d, data)
matrix = [[1, 2, 3], [4, 5, 6]]
print([list(col) for col in zip(*matrix)], {**d, "w": 0}, [*data[:2], *"ab"])
x = 10
x += 5
x //= 2
x **= 2
x %= 40
x <<= 2
x |= 1
print(x, divmod(-7, 2), pow(3, 200, 1000), round(2.675, 2), round(-0.5), abs(-3.5))
print(callable(len), callable(3), all([]), any([]), max("apple", "fig", key=len), min([], default="none"))
print(list(map(str.upper, ["a", "b"])), list(filter(None, [0, 1, "", "x"])), list(enumerate("ab", 1)))
