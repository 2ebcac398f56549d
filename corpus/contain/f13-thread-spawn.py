# technique: start threads (clone with thread flags)
# family: 13
# expect-status: error
# expect-status-os: killed
# leak: none
import _thread, time
_thread.start_new_thread(print, ('thread ran',))
time.sleep(0.2)
