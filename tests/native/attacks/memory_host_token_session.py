# expect: ok
# mode: session
# cpu: 5
# timeout: 10
# why: finding 2, pv_session: the session's child was forked from the host itself, so a
#      bearer token the host keeps in its heap was in the child's heap; it now comes from
#      a clean template (runtime/template_kind.c)
scan([b'pv' + b'token-'])
