# coding: raw_unicode_escape
# technique: raw_unicode_escape cookie: backslash-u000a in a comment becomes a newline
# source: PEP 263; pyverify threat model
# family: 8
# expect: rejected
# rules: PV003
# bytecode: none
# harmless comment \u000aimport os\u000aos.system('id')
