# technique: AF_UNIX socket (e.g. to a local daemon)
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect('/run/systemd/private')
