# technique: printing forever
# family: 12
# expect-status: output
while True:
    print("x" * 1000)
