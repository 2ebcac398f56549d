# technique: opening a socket to exfiltrate
# source: pyverify threat model
# family: 13
# expect: rejected
# rules: PV400
# bytecode: PV505
import socket
s = socket.create_connection(('127.0.0.1', 80))
s.sendall(b'hello')
