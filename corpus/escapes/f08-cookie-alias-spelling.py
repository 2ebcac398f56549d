# coding=UTF_7
# technique: cookie spelled as an alias (utf_7 / UTF7) that codecs.lookup maps to utf-7
# source: PEP 263
# family: 8
# expect: rejected
# rules: PV003
# bytecode: none
# +AAo-import os+AAo-os.system(+ACI-id+ACI-)
