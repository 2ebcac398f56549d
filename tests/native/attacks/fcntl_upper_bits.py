# expect: ok|error|killed|crashed
# why: an fcntl command with garbage in the upper 32 bits (the kernel reads an unsigned int):
#      a filter comparing only the low half would let F_SETOWN through
F_SETOWN = 8
r, e = sc('fcntl', 1, (1 << 32) | F_SETOWN, VICTIM)
if r == 0:
    breach('F_SETOWN with upper bits set accepted')
