# expect: ok
# mode: batch
# cpu: 5
# timeout: 10
# why: finding 2 for pv_run_batch: a bearer token the host keeps in its heap must not be in
#      a batch child's memory (the item exec()s this; what it prints is the item's value)
scan([b'pv' + b'token-'])
