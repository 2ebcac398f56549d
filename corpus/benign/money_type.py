# A Money value type: __format__, __round__, __int__, __float__, __index__, comparisons.
import functools


@functools.total_ordering
class Money:
    def __init__(self, cents, currency="EUR"):
        self.cents = int(cents)
        self.currency = currency

    @classmethod
    def parse(cls, text):
        amount, currency = text.split()
        units, _, frac = amount.partition(".")
        sign = -1 if units.startswith("-") else 1
        return cls(int(units) * 100 + sign * int((frac + "00")[:2]), currency)

    def check(self, other):
        if self.currency != other.currency:
            raise TypeError(f"currency mismatch {self.currency}/{other.currency}")

    def __add__(self, other):
        self.check(other)
        return Money(self.cents + other.cents, self.currency)

    def __sub__(self, other):
        self.check(other)
        return Money(self.cents - other.cents, self.currency)

    def __mul__(self, k):
        return Money(round(self.cents * k), self.currency)

    def __truediv__(self, n):
        share, rest = divmod(self.cents, n)
        return [Money(share + (1 if i < rest else 0), self.currency) for i in range(n)]

    def __floordiv__(self, n):
        return Money(self.cents // n, self.currency)

    def __mod__(self, n):
        return Money(self.cents % n, self.currency)

    def __eq__(self, other):
        return (self.cents, self.currency) == (other.cents, other.currency)

    def __lt__(self, other):
        self.check(other)
        return self.cents < other.cents

    def __hash__(self):
        return hash((self.cents, self.currency))

    def __bool__(self):
        return self.cents != 0

    def __abs__(self):
        return Money(abs(self.cents), self.currency)

    def __int__(self):
        return self.cents // 100

    def __float__(self):
        return self.cents / 100

    def __index__(self):
        return self.cents

    def __round__(self, ndigits=0):
        step = 10 ** (2 - ndigits)
        return Money(round(self.cents / step) * step, self.currency)

    def __format__(self, spec):
        text = f"{self.cents / 100:,.2f} {self.currency}"
        return format(text, spec) if spec else text

    def __str__(self):
        return format(self, "")

    def __repr__(self):
        return f"Money({self.cents}, {self.currency!r})"


bill = Money.parse("100.00 EUR")
parts = bill / 3
print([str(p) for p in parts], sum(p.cents for p in parts))
tip = bill * 0.15
total = bill + tip
print(f"{total:>20}|{tip:<14}|", int(total), float(total), round(Money(1234), 0))
print(sorted([Money(5), Money(-3), Money(10)]), abs(Money(-250)), bool(Money(0)))
print(hex(Money(255)), ["x", "y", "z"][Money(1)], Money.parse("-2.50 USD"), total // 7, total % 7)
try:
    bill + Money(1, "USD")
except TypeError as e:
    print("error:", e)
print("{} and {}".format(1, 2), "{0} and {1!r:>5} then {name}".format(Money(1), 2, name="n"))
