# expect: ok
# mode: runner
# cpu: 5
# timeout: 10
# why: finding 2: a warm runner ran request A (a tenant's constant) before this one; the
#      child of this request must not find A's source or constant anywhere in its memory
scan([b'pv' + b'req-'])
