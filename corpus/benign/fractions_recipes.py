# Scaling a recipe with exact fractions.
from fractions import Fraction

recipe = {"flour": "2 1/4", "sugar": "3/4", "butter": "1/2", "eggs": "2", "milk": "1 1/3"}


def parse_qty(text):
    total = Fraction(0)
    for part in text.split():
        total += Fraction(part)
    return total


def fmt(q):
    whole, rest = divmod(q.numerator, q.denominator)
    if rest == 0:
        return str(whole)
    frac = f"{rest}/{q.denominator}"
    return f"{whole} {frac}" if whole else frac


for servings in (Fraction(1, 2), Fraction(3, 2), 3):
    scaled = {k: parse_qty(v) * servings for k, v in recipe.items()}
    print(f"x{servings}: " + ", ".join(f"{k} {fmt(v)}" for k, v in scaled.items()))
print(Fraction(0.75), Fraction("3.1415").limit_denominator(100), float(Fraction(22, 7)))
print(sum(Fraction(1, n) for n in range(1, 8)))
