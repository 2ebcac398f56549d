# A fixed-point number type exercising the numeric special methods.
import math


class Fixed:
    SCALE = 1000

    def __init__(self, value=0, raw=None):
        self.raw = raw if raw is not None else round(value * self.SCALE)

    def wrap(self, other):
        return other if isinstance(other, Fixed) else Fixed(other)

    def __repr__(self):
        sign = "-" if self.raw < 0 else ""
        whole, frac = divmod(abs(self.raw), self.SCALE)
        return f"{sign}{whole}.{frac:03d}"

    def __add__(self, o):
        return Fixed(raw=self.raw + self.wrap(o).raw)

    def __radd__(self, o):
        return self + o

    def __sub__(self, o):
        return Fixed(raw=self.raw - self.wrap(o).raw)

    def __rsub__(self, o):
        return self.wrap(o) - self

    def __mul__(self, o):
        return Fixed(raw=self.raw * self.wrap(o).raw // self.SCALE)

    def __rmul__(self, o):
        return self * o

    def __truediv__(self, o):
        return Fixed(raw=self.raw * self.SCALE // self.wrap(o).raw)

    def __rtruediv__(self, o):
        return self.wrap(o) / self

    def __floordiv__(self, o):
        return Fixed(self.raw // self.wrap(o).raw)

    def __rfloordiv__(self, o):
        return self.wrap(o) // self

    def __mod__(self, o):
        return Fixed(raw=self.raw % self.wrap(o).raw)

    def __rmod__(self, o):
        return self.wrap(o) % self

    def __divmod__(self, o):
        return self // o, self % o

    def __rdivmod__(self, o):
        return divmod(self.wrap(o), self)

    def __pow__(self, n):
        return Fixed(float(self) ** n)

    def __rpow__(self, base):
        return Fixed(base ** float(self))

    def __lshift__(self, n):
        return Fixed(raw=self.raw << n)

    def __rshift__(self, n):
        return Fixed(raw=self.raw >> n)

    def __rlshift__(self, n):
        return n << int(self)

    def __rrshift__(self, n):
        return n >> int(self)

    def __and__(self, o):
        return int(self) & int(o)

    def __rand__(self, o):
        return self & o

    def __or__(self, o):
        return int(self) | int(o)

    def __ror__(self, o):
        return self | o

    def __xor__(self, o):
        return int(self) ^ int(o)

    def __rxor__(self, o):
        return self ^ o

    def __isub__(self, o):
        self.raw -= self.wrap(o).raw
        return self

    def __imul__(self, o):
        self.raw = (self * o).raw
        return self

    def __itruediv__(self, o):
        self.raw = (self / o).raw
        return self

    def __ifloordiv__(self, o):
        self.raw = (self // o).raw
        return self

    def __imod__(self, o):
        self.raw = (self % o).raw
        return self

    def __ipow__(self, n):
        self.raw = (self ** n).raw
        return self

    def __ilshift__(self, n):
        self.raw <<= n
        return self

    def __irshift__(self, n):
        self.raw >>= n
        return self

    def __iand__(self, o):
        return Fixed(self & o)

    def __ior__(self, o):
        return Fixed(self | o)

    def __ixor__(self, o):
        return Fixed(self ^ o)

    def __neg__(self):
        return Fixed(raw=-self.raw)

    def __pos__(self):
        return Fixed(raw=self.raw)

    def __abs__(self):
        return Fixed(raw=abs(self.raw))

    def __invert__(self):
        return Fixed(raw=-self.raw - 1)

    def __int__(self):
        return int(self.raw / self.SCALE)

    def __float__(self):
        return self.raw / self.SCALE

    def __complex__(self):
        return complex(float(self), 0)

    def __index__(self):
        return int(self)

    def __round__(self, nd=0):
        return Fixed(round(float(self), nd))

    def __trunc__(self):
        return int(self)

    def __floor__(self):
        return self.raw // self.SCALE

    def __ceil__(self):
        return -(-self.raw // self.SCALE)

    def __eq__(self, o):
        return self.raw == self.wrap(o).raw

    def __ne__(self, o):
        return not self == o

    def __lt__(self, o):
        return self.raw < self.wrap(o).raw

    def __le__(self, o):
        return self.raw <= self.wrap(o).raw

    def __gt__(self, o):
        return self.raw > self.wrap(o).raw

    def __ge__(self, o):
        return self.raw >= self.wrap(o).raw

    def __hash__(self):
        return hash(self.raw)

    def __bool__(self):
        return self.raw != 0


a, b = Fixed(7.25), Fixed(-2.5)
print(a + b, a - b, a * b, a / b, a // b, a % b, divmod(a, Fixed(2)))
print(1 + a, 10 - a, 3 * b, 10 / a, 10 // a, 10 % a, divmod(10, a))
print(a ** 2, 2 ** Fixed(3), a << 1, a >> 2, 1 << Fixed(3), 64 >> Fixed(2))
print(a & 3, 12 & Fixed(5), a | 8, 8 | Fixed(1), a ^ 5, 5 ^ Fixed(7))
print(-a, +b, abs(b), ~Fixed(0.001), int(a), float(b), complex(a), [10, 20, 30][Fixed(1)])
print(round(Fixed(2.567), 1), math.trunc(b), math.floor(b), math.ceil(b), math.floor(a), math.ceil(a))
print(a == 7.25, a != b, a < b, a <= 7.25, a > b, a >= 8, bool(Fixed(0)), len({a, Fixed(7.25)}))
c = Fixed(5)
c -= 1
c *= 3
c /= 4
c //= 1
c += 10
c %= 7
c **= 2
c <<= 2
c >>= 1
print(c)
c &= 6
c |= 8
c ^= 1
print(c, sorted([Fixed(3), Fixed(-1), Fixed(2.5)]), max(a, b), sum([a, b, Fixed(1)], Fixed(0)))
