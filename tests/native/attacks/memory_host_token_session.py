# expect: ok
# mode: session
# cpu: 5
# timeout: 10
# why: finding 2 for pv_session: a bearer token the host keeps in its heap must not be in a
#      session child's memory
scan([b'pv' + b'token-'])
