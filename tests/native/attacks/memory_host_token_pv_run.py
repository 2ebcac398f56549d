# expect: ok
# cpu: 5
# timeout: 10
# why: finding 2, pv_run: the child is forked from the host itself, so a bearer token the
#      host keeps in its heap is in the child's heap (pv_runner's template avoids it)
scan([b'pv' + b'token-'])
