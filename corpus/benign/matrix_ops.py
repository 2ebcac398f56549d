# Matrices with __matmul__, __getitem__ with tuples, transposition, determinant.
from fractions import Fraction


class Matrix:
    def __init__(self, rows):
        self.rows = [list(r) for r in rows]
        self.n = len(self.rows)
        self.m = len(self.rows[0]) if self.rows else 0

    @classmethod
    def identity(cls, n):
        return cls([[1 if i == j else 0 for j in range(n)] for i in range(n)])

    def __getitem__(self, idx):
        i, j = idx
        return self.rows[i][j]

    def __setitem__(self, idx, value):
        i, j = idx
        self.rows[i][j] = value

    def __matmul__(self, other):
        if self.m != other.n:
            raise ValueError(f"shape mismatch {self.n}x{self.m} @ {other.n}x{other.m}")
        return Matrix([[sum(self[i, k] * other[k, j] for k in range(self.m)) for j in range(other.m)]
                       for i in range(self.n)])

    def __eq__(self, other):
        return self.rows == other.rows

    def transpose(self):
        return Matrix(zip(*self.rows))

    def det(self):
        a = [[Fraction(x) for x in r] for r in self.rows]
        d = Fraction(1)
        for c in range(self.n):
            pivot = next((r for r in range(c, self.n) if a[r][c] != 0), None)
            if pivot is None:
                return Fraction(0)
            if pivot != c:
                a[c], a[pivot] = a[pivot], a[c]
                d = -d
            d *= a[c][c]
            for r in range(c + 1, self.n):
                f = a[r][c] / a[c][c]
                a[r] = [x - f * y for x, y in zip(a[r], a[c])]
        return d

    def __str__(self):
        width = max(len(str(x)) for r in self.rows for x in r)
        return "\n".join(" ".join(f"{str(x):>{width}}" for x in r) for r in self.rows)


A = Matrix([[2, 0, 1], [1, 3, 2], [1, 1, 1]])
B = Matrix([[1, 2], [0, 1], [4, 0]])
print(A @ B)
print(A.transpose())
print("det", A.det(), (A @ Matrix.identity(3)) == A)
A[0, 0] = 5
print(A[0, 0], A.det())
try:
    B @ B
except ValueError as e:
    print(e)
