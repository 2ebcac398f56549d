import enum

Color = enum.Enum("Color", "RED GREEN BLUE")
Level = enum.IntEnum("Level", [("LOW", 1), ("HIGH", 10)])


class Shape(enum.Enum):
    CIRCLE = 1
    SQUARE = 2


print(Color.RED, Color.GREEN.value, [c.name for c in Color])
print(Level.HIGH > Level.LOW, Level.LOW + 1)
print(Shape.SQUARE.name, Shape(1))
