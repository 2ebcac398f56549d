# Short formula: temperature conversion table.
def c_to_f(c):
    return c * 9 / 5 + 32


for c in range(-20, 41, 10):
    f = c_to_f(c)
    k = c + 273.15
    print(f"{c:>4}C {f:>6.1f}F {k:>7.2f}K {'freezing' if c <= 0 else 'hot' if c >= 30 else ''}")
