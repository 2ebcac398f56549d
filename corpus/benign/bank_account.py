# Bank accounts with decimal arithmetic and an audit trail.
import decimal
from decimal import Decimal, ROUND_HALF_UP


class InsufficientFunds(Exception):
    pass


class Account:
    rate = Decimal("0.035")

    def __init__(self, owner, balance="0"):
        self.owner = owner
        self.balance = Decimal(balance)
        self.log = []

    def deposit(self, amount):
        amount = Decimal(amount)
        if amount <= 0:
            raise ValueError("deposit must be positive")
        self.balance += amount
        self.log.append(("dep", amount))

    def withdraw(self, amount):
        amount = Decimal(amount)
        if amount > self.balance:
            raise InsufficientFunds(f"{self.owner}: balance {self.balance}, wanted {amount}")
        self.balance -= amount
        self.log.append(("wd", amount))

    def add_interest(self, months):
        monthly = self.rate / 12
        for _ in range(months):
            self.balance = (self.balance * (1 + monthly)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def __repr__(self):
        return f"Account({self.owner!r}, {self.balance})"


class Savings(Account):
    rate = Decimal("0.05")

    def withdraw(self, amount):
        if len([e for e in self.log if e[0] == "wd"]) >= 2:
            raise InsufficientFunds("too many withdrawals")
        super().withdraw(amount)


acc = Account("ann", "100.10")
sav = Savings("ann", "1000")
acc.deposit("0.20")
for a, amt in [(acc, "50"), (acc, "60"), (sav, "10"), (sav, "10"), (sav, "10")]:
    try:
        a.withdraw(amt)
    except InsufficientFunds as e:
        print("refused:", e)
sav.add_interest(12)
print(acc, sav)
print(Decimal("0.1") + Decimal("0.2"), 0.1 + 0.2)
with decimal.localcontext() as ctx:
    ctx.prec = 5
    print(Decimal(1) / Decimal(7))
print(Decimal(1) / Decimal(7))
print(Decimal("2").sqrt().quantize(Decimal("1.0000")), Decimal("1.45").quantize(Decimal("0.1"), rounding=decimal.ROUND_HALF_EVEN))
