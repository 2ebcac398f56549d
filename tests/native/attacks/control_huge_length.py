# expect: ok|error|killed
# why: a record header announcing 4 GiB, never followed by its payload: the parent must not
#      wait for it, allocate it, or hang
os.write(3, b'X\xff\xff\xff\xff' + b'Y' * 100)
print('done')
