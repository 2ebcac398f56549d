# technique: 10**10**8: a 100-million-digit power (not constant-folded; the multiplication burns CPU)
# family: 12
# expect-status: cpu
x = 10 ** 10 ** 8
print(x > 0)
