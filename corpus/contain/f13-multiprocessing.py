# technique: multiprocessing.Process
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
import multiprocessing
p = multiprocessing.Process(target=print, args=('child',))
p.start()
p.join()
