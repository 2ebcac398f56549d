# Closures and nonlocal: counters, memoisation, accumulators.
def make_counter(start=0, step=1):
    count = start

    def bump():
        nonlocal count
        count += step
        return count

    def reset():
        nonlocal count
        count = start

    return bump, reset


def memoize(fn):
    cache = {}

    def wrapper(n):
        if n not in cache:
            cache[n] = fn(n)
        return cache[n]

    return wrapper


@memoize
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def running_average():
    total = 0.0
    n = 0

    def add(x):
        nonlocal total, n
        total += x
        n += 1
        return total / n

    return add


bump, reset = make_counter(10, 5)
print(bump(), bump(), bump())
reset()
print(bump())
print([fib(i) for i in range(15)], fib(90))
avg = running_average()
print([round(avg(x), 3) for x in [3, 5, 10, 2]])
adders = [lambda x, k=k: x + k for k in range(4)]
print([f(10) for f in adders])
