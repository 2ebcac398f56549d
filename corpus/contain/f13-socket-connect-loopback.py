# technique: TCP connect to the runner's listener on loopback
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
CANARY = globals().get("CANARY", "/etc/hostname")
PORT = int(globals().get("LISTEN_PORT", 9))
import socket
s = socket.create_connection(('127.0.0.1', PORT), timeout=1)
try:
    data = open(CANARY, 'rb').read()
except OSError:
    data = b'pyverify-leak'
s.sendall(data)
