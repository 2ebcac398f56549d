# Word frequencies and more with collections.
import collections

TEXT = """the quick brown fox jumps over the lazy dog the dog barks
and the fox runs away quick quick"""

counts = collections.Counter(TEXT.split())
print(counts.most_common(3), counts["fox"], counts["cat"])
by_letter = collections.defaultdict(list)
for w in TEXT.split():
    by_letter[w[0]].append(w)
print({k: len(v) for k, v in sorted(by_letter.items())})
Point = collections.namedtuple("Point", ["x", "y"])
p = Point(3, 4)
x, y = p
print(p, x + y, p[0], Point(10, p[1]), dict(zip(("x", "y"), p)))
window = collections.deque(maxlen=3)
for i in range(6):
    window.append(i)
print(list(window), window[0])
window.rotate(1)
window.appendleft(-1)
print(window)
od = collections.OrderedDict(a=1, b=2, c=3)
od.move_to_end("a")
print(list(od), od.popitem(last=False))
layers = collections.ChainMap({"colour": "red"}, {"colour": "blue", "size": "L"})
print(layers["colour"], layers["size"], len(layers))
c2 = collections.Counter("abracadabra") - collections.Counter("aaa")
print(sorted(c2.items()), sum(c2.values()))
