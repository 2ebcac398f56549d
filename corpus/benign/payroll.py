# Payroll run: ERP-style rules with dataclasses, decimal rounding and tax brackets.
import dataclasses
import decimal
from decimal import Decimal

CENT = Decimal("0.01")
BRACKETS = [(Decimal("1000"), Decimal("0")), (Decimal("3000"), Decimal("0.20")), (None, Decimal("0.40"))]


@dataclasses.dataclass
class Employee:
    name: str
    monthly: Decimal
    hours_over: int = 0
    dependants: int = 0
    deductions: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class Payslip:
    name: str
    gross: Decimal
    tax: Decimal
    net: Decimal


def income_tax(gross, dependants):
    allowance = Decimal(150) * dependants
    taxable = max(gross - allowance, Decimal(0))
    tax = Decimal(0)
    lower = Decimal(0)
    for upper, rate in BRACKETS:
        top = taxable if upper is None else min(taxable, upper)
        if top > lower:
            tax += (top - lower) * rate
        if upper is None or taxable <= upper:
            break
        lower = upper
    return tax.quantize(CENT, rounding=decimal.ROUND_HALF_UP)


def run(emp):
    hourly = emp.monthly / 160
    gross = (emp.monthly + hourly * Decimal("1.5") * emp.hours_over).quantize(CENT)
    tax = income_tax(gross, emp.dependants)
    net = gross - tax - sum(emp.deductions, Decimal(0))
    return Payslip(emp.name, gross, tax, net)


staff = [
    Employee("Ines", Decimal("2800"), hours_over=10, dependants=1),
    Employee("Omar", Decimal("5200"), deductions=[Decimal("120.50")]),
    Employee("Lea", Decimal("950")),
]
slips = [run(e) for e in staff]
for s in slips:
    print(f"{s.name:<6}{s.gross:>10}{s.tax:>10}{s.net:>10}")
print("total net", sum((s.net for s in slips), Decimal(0)))
try:
    slips[0].net = Decimal(0)
except dataclasses.FrozenInstanceError as e:
    print("frozen:", e)
