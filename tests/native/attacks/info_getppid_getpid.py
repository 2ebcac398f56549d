# expect: ok|killed
# why: the pids the child can name: ok when its parent is invisible (pid namespace)
print('pid', os.getpid())
