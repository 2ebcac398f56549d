# technique: open() and read the canary file
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
CANARY = globals().get("CANARY", "/etc/hostname")
with open(CANARY) as f:
    print(f.read())
