# expect: killed
# kill: seccomp
# why: setpgid(2): leaving the process group the watchdog kills
sc('setpgid', 0, 0)
breach('setpgid returned')
