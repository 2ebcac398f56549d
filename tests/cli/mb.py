s = 'éé'; t = ().__class__
