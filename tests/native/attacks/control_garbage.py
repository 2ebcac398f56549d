# expect: ok|error|killed
# why: random bytes on the control pipe (unknown record types, short headers): the parent
#      must stay intact and report what it observed
import random
random.seed(15)
for i in range(200):
    os.write(3, bytes(random.getrandbits(8) for _ in range(random.randint(1, 64))))
print('done')
