class Fib:
    def __init__(self):
        self._memo = {0: 0, 1: 1}
        self._calls = 0

    def _compute(self, n):
        self._calls += 1
        if n not in self._memo:
            self._memo[n] = self._compute(n - 1) + self._compute(n - 2)
        return self._memo[n]

    def value(self, n):
        return self._compute(n)

    @property
    def calls(self):
        return self._calls


f = Fib()
print(f.value(30), f.calls)


class Stack:
    def __init__(self):
        self._items = []

    def push(self, x):
        self._items.append(x)

    def pop(self):
        return self._items.pop()

    def __len__(self):
        return len(self._items)


s = Stack()
for i in range(5):
    s.push(i * i)
print(s.pop(), len(s))
