# expect: ok
# cpu: 5
# timeout: 10
# why: finding 2: a bearer token the host keeps in its heap is in the forked child's heap
scan([b'pv' + b'token-'])
