# technique: import inside a class body
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV400
# bytecode: PV505
class C:
    import subprocess
    subprocess.run(['id'])
