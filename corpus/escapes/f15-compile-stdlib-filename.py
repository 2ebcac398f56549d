# technique: code compiled under a standard-library file name, to be trusted by a frame-file-name audit hook
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV202
# bytecode: PV504
code = compile("print('ESCAPED', open('/etc/hostname').read())", "/usr/lib/python3.11/functools.py", "exec")
exec(code, {})
