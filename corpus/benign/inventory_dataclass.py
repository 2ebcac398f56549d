# Inventory management with dataclasses.
import dataclasses
from dataclasses import dataclass, field


@dataclass(order=True)
class Item:
    sku: str
    name: str = field(compare=False)
    qty: int = 0
    price: float = 0.0
    tags: list = field(default_factory=list, compare=False)

    def __post_init__(self):
        if self.qty < 0:
            raise ValueError(f"negative quantity for {self.sku}")
        self.sku = self.sku.upper()

    @property
    def value(self):
        return self.qty * self.price


@dataclass
class Warehouse:
    name: str
    items: dict = field(default_factory=dict)

    def add(self, item):
        self.items[item.sku] = item

    def restock(self, sku, n):
        self.items[sku].qty += n

    def total_value(self):
        return sum(i.value for i in self.items.values())


wh = Warehouse("north")
for args in [("a1", "bolt", 100, 0.1), ("b2", "nut", 250, 0.05), ("c3", "gear", 7, 12.5)]:
    wh.add(Item(*args, tags=["hw"]))
wh.restock("C3", 3)
try:
    Item("z9", "bad", -1)
except ValueError as e:
    print("error:", e)
for item in sorted(wh.items.values(), reverse=True):
    print(item.sku, item.name, item.qty, f"{item.value:.2f}")
print(f"total {wh.total_value():.2f}")
print(dataclasses.asdict(wh.items["A1"]))
print([f.name for f in dataclasses.fields(Item)])
print(dataclasses.replace(wh.items["B2"], qty=1))
