# technique: input() reads the runner's stdin (an escape while input was a refused builtin)
# family: 6
# expect-status: error
# input is allowed since issue 16, and at run time it is the sandbox's own input(): it reads
# one line of the run's standard input only (here none: /dev/null), never a terminal, and
# raises no audit event. So the prompt is ordinary output and the read ends in EOFError.
print(input("password: "))
