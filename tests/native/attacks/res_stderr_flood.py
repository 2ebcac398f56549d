# expect: output
# why: unbounded output on stderr
while True:
    os.write(2, b'z' * 65536)
