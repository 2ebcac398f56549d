# technique: a codec named by the program ('a'.encode('rot13')) makes the stdlib's codec search import encodings.<name>
# family: 7
# expect-status: error
# Found by fuzz/escape_fuzz.py (a mutant of corpus/benign/text_utils.py). Both static layers
# accept it: the codec name is data. The runtime's audit hook fails that import when it comes
# from the standard library's codec search (a trusted frame), so the program sees LookupError
# instead of being killed, and no file is touched.
print('a'.encode('rot13'))
