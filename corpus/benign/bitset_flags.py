# Permission bitsets with bitwise and shift operators.
class Perm:
    NAMES = ["read", "write", "exec", "admin"]

    def __init__(self, bits=0):
        self.bits = bits & 0xF

    @classmethod
    def of(cls, *names):
        bits = 0
        for n in names:
            bits |= 1 << cls.NAMES.index(n)
        return cls(bits)

    def __or__(self, other):
        return Perm(self.bits | other.bits)

    def __and__(self, other):
        return Perm(self.bits & other.bits)

    def __xor__(self, other):
        return Perm(self.bits ^ other.bits)

    def __invert__(self):
        return Perm(~self.bits)

    def __lshift__(self, n):
        return Perm(self.bits << n)

    def __rshift__(self, n):
        return Perm(self.bits >> n)

    def __contains__(self, name):
        return bool(self.bits >> self.NAMES.index(name) & 1)

    def __ior__(self, other):
        self.bits |= other.bits
        return self

    def __repr__(self):
        names = [n for n in self.NAMES if n in self]
        return "Perm(" + "|".join(names) + f")={self.bits:04b}"


rw = Perm.of("read", "write")
x = Perm.of("exec")
print(rw, x, rw | x, rw & x, rw ^ Perm.of("write", "admin"), ~rw)
print(rw << 1, rw >> 1, "write" in rw, "admin" in rw)
rw |= Perm.of("admin")
print(rw, bin(rw.bits), oct(493), hex(48879), int("777", 8), 0b1010 ^ 0b0110, -17 >> 2, 5 & -2)
