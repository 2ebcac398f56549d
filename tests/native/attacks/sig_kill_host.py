# expect: killed
# kill: seccomp
# host: nobody
# why: kill(host, SIGKILL) from a host of the same uid
sc('kill', HOST, 9)
breach('kill returned')
