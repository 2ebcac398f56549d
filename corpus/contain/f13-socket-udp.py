# technique: UDP datagram to loopback (no connect needed)
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
PORT = int(globals().get("LISTEN_PORT", 9))
import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'pyverify-leak', ('127.0.0.1', PORT))
