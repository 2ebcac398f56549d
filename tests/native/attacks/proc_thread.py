# expect: killed
# kill: seccomp
# why: a thread (_thread is built in): clone with CLONE_THREAD
import _thread
_thread.start_new_thread(print, ('thread',))
libc.usleep(100000)
breach('thread started')
