if 1:
	x = ().__class__
