__all__ = ["Vec", "main"]


class Vec:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, other):
        return Vec(self.x + other.x, self.y + other.y)

    def __repr__(self):
        return f"Vec({self.x}, {self.y})"


def main():
    total = Vec(0, 0)
    for i in range(4):
        total = total + Vec(i, 2 * i)
    print(total)


if __name__ == "__main__":
    main()
