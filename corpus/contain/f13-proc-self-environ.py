# technique: read /proc/self/environ
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
print(open('/proc/self/environ', 'rb').read())
