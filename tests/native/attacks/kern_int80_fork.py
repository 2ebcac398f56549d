# expect: killed
# mode: both
# kill: seccomp
# why: the i386 ABI from a 64-bit process: `int $0x80` (bytes cd 80, found in libc's code)
#      called through ctypes with two double arguments, so that libffi's call sets eax = 2:
#      i386 fork. The filter must check the architecture (its first instruction is the
#      merged pid guard, which compares x86_64 numbers only)
import struct
gadget = None
# libc's ELF header: the first page at or below printf that starts with the magic; its
# executable PT_LOAD segment is code, so a `cd 80` found there can be called
p = ctypes.cast(libc.printf, ctypes.c_void_p).value & ~(PAGE - 1)
while p > 0 and not (readable(p) and ctypes.string_at(p, 4) == b'\x7fELF'):
    p -= PAGE
phoff, = struct.unpack_from('<Q', ctypes.string_at(p + 32, 8))
phentsize, phnum = struct.unpack_from('<HH', ctypes.string_at(p + 54, 4))
for k in range(phnum):
    ptype, pflags, _, vaddr, _, filesz = struct.unpack_from(
        '<IIQQQQ', ctypes.string_at(p + phoff + k * phentsize, 40))
    if ptype == 1 and pflags & 1 and gadget is None:  # PT_LOAD, PF_X
        i = ctypes.string_at(p + vaddr, filesz).find(b'\xcd\x80')
        if i >= 0:
            gadget = p + vaddr + i
if gadget is None and readable(page):
            i = ctypes.string_at(page, PAGE).find(b'\xcd\x80')
            if i >= 0:
                gadget = page + i
if gadget is None:
    print('no int 0x80 gadget found near printf')
else:
    print('int 0x80 at %#x' % gadget, flush=True)
    ctypes.CFUNCTYPE(None, ctypes.c_double, ctypes.c_double)(gadget)(1.0, 2.0)
    breach('i386 fork via int 0x80 returned')
