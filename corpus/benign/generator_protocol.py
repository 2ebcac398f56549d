# Generator protocol: send, throw, close, return values, yield from delegation.
class Reset(Exception):
    pass


def averager():
    total = 0.0
    count = 0
    average = None
    while True:
        try:
            value = yield average
        except Reset:
            total, count, average = 0.0, 0, None
            continue
        if value is None:
            return (count, average)
        total += value
        count += 1
        average = total / count


def delegator(results):
    while True:
        result = yield from averager()
        results.append(result)


def numbers():
    try:
        for i in range(10):
            yield i
    finally:
        print("numbers cleaned up")


def take(n, it):
    for _, x in zip(range(n), it):
        yield x


results = []
d = delegator(results)
next(d)
for v in [10, 20, 30]:
    print("avg", d.send(v))
d.send(None)
print("avg", d.send(5))
d.throw(Reset)
print("after reset", d.send(1), d.send(3))
d.send(None)
print(results)
g = numbers()
print(list(take(3, g)))
g.close()
squares = (x * x for x in range(5))
print(next(squares), list(squares), list(squares))
