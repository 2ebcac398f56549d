# Unit conversion with enums and a dataclass quantity type.
import dataclasses
import enum


class Dim(enum.Enum):
    LENGTH = "length"
    MASS = "mass"
    TIME = "time"


class Unit(enum.Enum):
    M = (Dim.LENGTH, 1.0)
    KM = (Dim.LENGTH, 1000.0)
    MILE = (Dim.LENGTH, 1609.344)
    FT = (Dim.LENGTH, 0.3048)
    KG = (Dim.MASS, 1.0)
    LB = (Dim.MASS, 0.45359237)
    S = (Dim.TIME, 1.0)
    H = (Dim.TIME, 3600.0)

    def __init__(self, dim, factor):
        self.dim = dim
        self.factor = factor


@dataclasses.dataclass(frozen=True)
class Quantity:
    amount: float
    unit: Unit

    def to(self, other):
        if other.dim is not self.unit.dim:
            raise ValueError(f"cannot convert {self.unit.dim.value} to {other.dim.value}")
        return Quantity(self.amount * self.unit.factor / other.factor, other)

    def __add__(self, other):
        return Quantity(self.amount + other.to(self.unit).amount, self.unit)

    def __str__(self):
        return f"{self.amount:.4g} {self.unit.name.lower()}"


marathon = Quantity(26.2188, Unit.MILE)
print(marathon.to(Unit.KM), marathon.to(Unit.FT), Quantity(1, Unit.KM) + Quantity(500, Unit.M))
print(Quantity(150, Unit.LB).to(Unit.KG), Quantity(2.5, Unit.H).to(Unit.S))
try:
    Quantity(1, Unit.KG).to(Unit.M)
except ValueError as e:
    print("error:", e)
print([u.name for u in Unit if u.dim is Dim.LENGTH], Unit.KG.value)
