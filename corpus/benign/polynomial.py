# Polynomials with full operator overloading (including reflected and in-place operators).
class Poly:
    def __init__(self, *coeffs):
        c = list(coeffs)
        while len(c) > 1 and c[-1] == 0:
            c.pop()
        self.c = c or [0]

    def __repr__(self):
        terms = []
        for i, a in reversed(list(enumerate(self.c))):
            if a == 0 and len(self.c) > 1:
                continue
            term = f"{a}" if i == 0 else f"{a}x" if i == 1 else f"{a}x^{i}"
            terms.append(term)
        return " + ".join(terms)

    def __len__(self):
        return len(self.c)

    def __getitem__(self, i):
        return self.c[i] if i < len(self.c) else 0

    def __call__(self, x):
        result = 0
        for a in reversed(self.c):
            result = result * x + a
        return result

    def __add__(self, other):
        if not isinstance(other, Poly):
            other = Poly(other)
        n = max(len(self), len(other))
        return Poly(*[self[i] + other[i] for i in range(n)])

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other if isinstance(other, Poly) else Poly(-other))

    def __rsub__(self, other):
        return Poly(other) - self

    def __neg__(self):
        return Poly(*[-a for a in self.c])

    def __pos__(self):
        return self

    def __mul__(self, other):
        if not isinstance(other, Poly):
            other = Poly(other)
        out = [0] * (len(self) + len(other) - 1)
        for i, a in enumerate(self.c):
            for j, b in enumerate(other.c):
                out[i + j] += a * b
        return Poly(*out)

    def __rmul__(self, other):
        return self * other

    def __pow__(self, n):
        result = Poly(1)
        for _ in range(n):
            result = result * self
        return result

    def __iadd__(self, other):
        self.c = (self + other).c
        return self

    def __eq__(self, other):
        return isinstance(other, Poly) and self.c == other.c

    def __hash__(self):
        return hash(tuple(self.c))

    def __divmod__(self, other):
        rem = list(self.c)
        q = [0] * max(len(rem) - len(other) + 1, 1)
        while len(rem) >= len(other) and any(rem):
            shift = len(rem) - len(other)
            factor = rem[-1] / other.c[-1]
            q[shift] = factor
            for i, b in enumerate(other.c):
                rem[i + shift] -= factor * b
            rem.pop()
        return Poly(*q), Poly(*rem)

    def derivative(self):
        return Poly(*[i * a for i, a in enumerate(self.c)][1:])


p = Poly(1, 2, 3)
q = Poly(0, 1)
print(p, "|", q, "|", p + q, "|", p * q, "|", 2 * p, "|", 5 - q, "|", -p)
print((q + 1) ** 3, p(2), [p(x) for x in range(4)], p.derivative())
p += 10
print(p, p == Poly(11, 2, 3), len({p, Poly(11, 2, 3)}))
print(divmod(Poly(-1, 0, 1), Poly(-1, 1)))
