# Class hierarchy with super().__init__(), properties, staticmethod and classmethod.
import math


class Shape:
    count = 0

    def __init__(self, name):
        self.name = name
        Shape.count += 1

    def area(self):
        raise NotImplementedError

    def __str__(self):
        return f"{self.name} with area {self.area():.3f}"

    def __lt__(self, other):
        return self.area() < other.area()


class Circle(Shape):
    def __init__(self, r):
        super().__init__("circle")
        self.radius = r

    @property
    def radius(self):
        return self.r

    @radius.setter
    def radius(self, value):
        if value <= 0:
            raise ValueError("radius must be positive")
        self.r = value

    def area(self):
        return math.pi * self.r ** 2


class Rect(Shape):
    def __init__(self, w, h, name="rect"):
        super().__init__(name)
        self.w, self.h = w, h

    def area(self):
        return self.w * self.h

    @classmethod
    def square(cls, side):
        return cls(side, side, name="square")

    @staticmethod
    def from_string(text):
        w, h = (float(p) for p in text.split("x"))
        return Rect(w, h)


shapes = [Circle(1), Rect(2, 3), Rect.square(1.5), Rect.from_string("0.5x8"), Circle(0.5)]
for s in sorted(shapes):
    print(s)
print("shapes made:", Shape.count, isinstance(shapes[2], Rect), issubclass(Circle, Shape))
try:
    Circle(-1)
except ValueError as e:
    print("rejected:", e)
c = shapes[0]
c.radius = 2
print(f"{c.area():.4f}", c.radius)
