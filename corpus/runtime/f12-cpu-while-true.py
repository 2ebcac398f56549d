# technique: infinite loop
# family: 12
# expect-status: cpu
while True:
    pass
