# technique: raise RLIMIT_CPU / RLIMIT_AS back up
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
import resource
resource.setrlimit(resource.RLIMIT_CPU, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
