# Quadratic and polynomial roots with cmath and math.
import cmath
import math


def quadratic(a, b, c):
    d = cmath.sqrt(b * b - 4 * a * c)
    return (-b + d) / (2 * a), (-b - d) / (2 * a)


def show(z):
    if abs(z.imag) < 1e-12:
        return f"{z.real:.4f}"
    return f"{z.real:.4f}{z.imag:+.4f}j"


for coeffs in [(1, -3, 2), (1, 2, 5), (2, 0, -8), (1, 0, 1)]:
    print(coeffs, [show(r) for r in quadratic(*coeffs)])
roots_of_unity = [cmath.exp(2j * cmath.pi * k / 5) for k in range(5)]
print([show(r) for r in roots_of_unity], show(sum(roots_of_unity)))
z = complex(3, 4)
print(abs(z), cmath.phase(z), cmath.polar(z), z.conjugate())
print(math.isclose(cmath.rect(2, math.pi / 2).imag, 2.0), math.degrees(math.atan2(1, 1)))
print(math.gcd(84, 36), math.lcm(4, 6), math.comb(10, 3), math.perm(5, 2), math.factorial(10))
print(math.floor(-2.5), math.ceil(-2.5), math.trunc(-2.7), math.isqrt(99), math.prod([1, 2, 3, 4]))
print(round(math.log(1000, 10), 10), math.log2(1024), round(math.dist((0, 0), (3, 4)), 3), math.fsum([0.1] * 10))
print(math.inf > 10 ** 100, math.isnan(math.nan), math.copysign(3, -0.0), math.e)
