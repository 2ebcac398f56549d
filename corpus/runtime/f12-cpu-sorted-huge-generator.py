# technique: sorting a large generated list, then looping forever over it
# family: 12
# expect-status: cpu
data = sorted((i * 7919) % 1000003 for i in range(10 ** 6))
while data:
    data.reverse()
