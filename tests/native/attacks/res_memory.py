# expect: memory
# cpu: 3
# timeout: 6
# why: allocating without end
a = []
while True:
    a.append(bytearray(8 << 20))
