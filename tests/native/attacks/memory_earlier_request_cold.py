# expect: ok
# mode: sequential
# cpu: 5
# timeout: 10
# why: finding 2 without a runner: the host ran request A with pv_run (a tenant's constant in
#      its source and stdin), wiped and freed it; this run, forked by pv_run from the same
#      host, must not find it
scan([b'pv' + b'req-'])
