# technique: unbounded iterator consumed in a loop
# family: 12
# expect-status: cpu
import itertools
for i in itertools.count():
    pass
