# technique: create a file in $HOME
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
import os
home = os.environ.get('HOME', '/root')
open(os.path.join(home, 'pyverify-leak.txt'), 'w').write('leaked')
