# expect: timeout
# timeout: 0.5
# why: sleeping past the wall clock
libc.sleep(30)
