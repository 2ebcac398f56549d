# coding: unicode_escape
# technique: unicode_escape coding cookie: a literal backslash-n in a comment becomes a newline
# source: PEP 263; pyverify threat model
# family: 8
# expect: rejected
# rules: PV003
# bytecode: none
# harmless comment \nprint(open('/etc/hostname').read())
