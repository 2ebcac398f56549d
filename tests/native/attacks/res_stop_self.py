# expect: timeout|killed
# timeout: 0.5
# why: stopping itself with SIGSTOP: the watchdog must still end it
sc('kill', ME, 19)
print('resumed')
