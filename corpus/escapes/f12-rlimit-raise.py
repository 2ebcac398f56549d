# technique: resource.setrlimit to lift the CPU/memory limits
# source: pyverify threat model
# family: 12
# expect: rejected
# rules: PV400
# bytecode: PV505
import resource
resource.setrlimit(resource.RLIMIT_CPU, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
