#!/usr/bin/env python3
# vim: set fileencoding=utf-7 :
# technique: coding cookie on the second line after a shebang still applies
# source: PEP 263
# family: 8
# expect: rejected
# rules: PV003
# bytecode: none
# harmless +AAo-import os+AAo-os.system(+ACI-id+ACI-)
