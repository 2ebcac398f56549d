# technique: an uncaught exception with a 1 MB message floods stderr
# family: 12
# expect-status: output
raise ValueError("z" * 10 ** 6)
