import dataclasses


@dataclasses.dataclass
class Item:
    name: str
    qty: int = 0
    tags: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class Point:
    x: int
    y: int


def describe(obj):
    match obj:
        case Point(x=0, y=0):
            return "origin"
        case Point(x, y):
            return f"point {x},{y}"
        case Item(name=n, qty=q) if q > 0:
            return f"{n} x{q}"
        case _:
            return "other"


it = Item("pen", 2)
it2 = dataclasses.replace(it, qty=5)
it2.tags.append("blue")
print(describe(Point(0, 0)), describe(Point(1, 2)), describe(it2), describe(Item("x")))
print(dataclasses.asdict(it2), [f.name for f in dataclasses.fields(Item)])
