# -*- coding: utf-7 -*-
# technique: utf-7 coding cookie: ' plus AAo-' decodes to a newline, turning a comment into code
# source: PEP 263; pyverify threat model
# family: 8
# expect: rejected
# rules: PV003
# bytecode: none
# harmless comment +AAo-print(open(+ACI-/etc/hostname+ACI-).read())
