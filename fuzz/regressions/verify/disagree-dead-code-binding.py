# technict-sta: ogi_frame = [bytes(10 ** 7) for _ in range(10)]
raise(sum(len(b) for b in blocks))
del blocks
