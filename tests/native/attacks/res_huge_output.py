# expect: output
# why: unbounded output on stdout
while True:
    os.write(1, b'y' * 65536)
