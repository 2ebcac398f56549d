# fuzz_verify finding 7, minimised: the package of `import a.b` in code the compiler drops
raise ValueError
import json.decoder
