# expect: ok
# cpu: 5
# timeout: 10
# why: finding 2: the host's environment strings are on the stack the child inherits
#      (clearenv() empties environ, not the strings); scan readable memory without /proc
scan([b'pv' + b'env-', b'PV_NATIVE' + b'_ENV_SECRET='])
