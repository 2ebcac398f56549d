# expect: killed
# kill: runtime: control
# why: pipe flooding of the control channel: bounded by the parent, which kills the child
while True:
    os.write(3, b'L' + b'\xff' * 4096)
