# expect: ok|killed
# why: tgkill(self, victim, SIGKILL): the pid guard checks the first argument only; the
#      kernel must refuse a tid outside the group
r, e = sc('tgkill', ME, VICTIM, 9)
print('tgkill', r, e)
