# expect: ok
# mode: runner
# cpu: 5
# timeout: 10
# why: finding 2: a bearer token the host keeps in its heap must not be in the child's memory:
#      a runner's children come from its clean template (exec'd, never held the token)
scan([b'pv' + b'token-'])
