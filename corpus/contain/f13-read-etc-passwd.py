# technique: read a system file
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
print(open('/etc/passwd').read())
