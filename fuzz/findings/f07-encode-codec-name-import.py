# technique: str.encode/bytes.decode with a program-chosen codec name makes the codec registry import encodings.<name> (a module named by a string)
# source: fuzz/escape_fuzz.py finding (mutant of corpus/benign/text_utils.py, swap-string); open, see docs/fuzzing.md
# family: 7
# expect: rejected
# rules: (to be assigned by the fix)
# bytecode: (to be assigned by the fix)
# Accepted by both static layers today; with every runtime layer on, the audit hook kills
# the run ("audit: import: encodings.rot_13", PV601). Without the Python-level runtime layer
# the import succeeds: only encodings.<identifier> modules of the standard library are
# reachable and the program gets no reference to them, so no capability is gained, but the
# static layers let a string choose an import.
print('a'.encode('rot13'))
print(b'a'.decode('0_vars', 'replace'))
