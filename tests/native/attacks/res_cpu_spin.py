# expect: cpu
# timeout: 10
# why: a CPU-bound loop in native code (libc qsort with no end is not available: a busy Python loop)
while True:
    pass
