x = y
().__class__
