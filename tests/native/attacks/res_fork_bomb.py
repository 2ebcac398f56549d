# expect: killed
# kill: seccomp
# why: a fork bomb
while True:
    sc('fork')
