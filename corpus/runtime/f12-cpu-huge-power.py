# technique: 10**10**7: a 10-million-digit power (not constant-folded; the multiplications burn
# about 10 s of CPU in 8 MB, so the CPU limit fires long before any memory limit, also
# under AddressSanitizer, where 10**10**8 ran out of memory first)
# family: 12
# expect-status: cpu
x = 10 ** 10 ** 7
print(x > 0)
