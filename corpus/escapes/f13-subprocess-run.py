# technique: subprocess runs a command
# source: pyverify threat model
# family: 13
# expect: rejected
# rules: PV400
# bytecode: PV505
import subprocess
print(subprocess.run(['cat', '/etc/hostname'], capture_output=True).stdout)
