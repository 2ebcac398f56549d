# coding: utf-7
# technique: UTF-8 BOM followed by a conflicting utf-7 cookie
# source: PEP 263
# family: 8
# expect: rejected
# rules: PV003
# bytecode: none
# +AAo-import os
