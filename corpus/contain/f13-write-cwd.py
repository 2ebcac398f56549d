# technique: create a file in the working directory
# family: 13
# expect-status: error
# expect-status-os: error
# leak: none
with open('pyverify-leak.txt', 'w') as f:
    f.write('leaked')
