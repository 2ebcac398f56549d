# Sales report with itertools.
import itertools

sales = [
    ("2024-01", "north", 120), ("2024-01", "south", 80), ("2024-02", "north", 95),
    ("2024-02", "south", 130), ("2024-02", "east", 40), ("2024-03", "north", 150),
]
for month, rows in itertools.groupby(sales, key=lambda r: r[0]):
    rows = list(rows)
    print(month, sum(r[2] for r in rows), [r[1] for r in rows])
print(list(itertools.accumulate(r[2] for r in sales)))
print(list(itertools.accumulate([3, 1, 4, 1, 5], max)))
print(list(itertools.combinations("ABCD", 2))[:4], len(list(itertools.permutations(range(4), 3))))
print(list(itertools.product([0, 1], repeat=3))[-2:])
print(list(itertools.islice(itertools.cycle("xyz"), 7)), list(itertools.repeat(7, 3)))
print(list(itertools.chain([1, 2], (3, 4), "ab")), list(itertools.chain.from_iterable([[1], [2, 3]])))
print(list(itertools.zip_longest("abc", [1], fillvalue="-")), list(itertools.starmap(pow, [(2, 5), (3, 2)])))
print(list(itertools.takewhile(lambda x: x < 4, [1, 3, 5, 2])), list(itertools.dropwhile(lambda x: x < 4, [1, 3, 5, 2])))
print(list(itertools.compress("ABCDEF", [1, 0, 1, 0, 1, 1])), list(itertools.filterfalse(lambda x: x % 2, range(8))))
print(list(itertools.pairwise([1, 4, 9, 16])), [list(g) for g in itertools.tee([1, 2], 2)])
counter = itertools.count(10, 5)
print(next(counter), next(counter), list(itertools.combinations_with_replacement([1, 2], 2)))
