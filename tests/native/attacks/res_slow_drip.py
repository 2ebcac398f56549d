# expect: timeout
# timeout: 1
# why: output trickling forever, one byte every 50 ms: the host must not wait past the
#      wall clock because the child keeps its pipes busy
while True:
    os.write(1, b'.')
    libc.usleep(50000)
