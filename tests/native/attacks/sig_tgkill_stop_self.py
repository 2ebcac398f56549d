# expect: timeout|killed
# timeout: 0.5
# why: tgkill(self, self, SIGSTOP): a stopped child; the watchdog must still end it and the
#      host must not wait for it
sc('tgkill', ME, ME, 19)
print('resumed')
