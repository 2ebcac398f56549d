# coding: shift_jis
# technique: shift_jis: the second byte of a two-byte character is 0x5C (backslash), so byte-level tools misread string ends
# source: PEP 263; pyverify threat model
# family: 8
# expect: rejected
# rules: PV003
# bytecode: none
s = 'ソ'
import os
os.system('id')
