# prelude.py: prepended by native_host to every attack. The child runs with the Python layer
# off and ctypes already imported by the host, so this is native code with the OS layer alone
# in its way. Parameters come on stdin; anything an attack gets that it must not have, it
# prints after the word BREACH (the host fails the case when it sees it).
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
libc.getauxval.restype = ctypes.c_ulong
libc.getauxval.argtypes = [ctypes.c_ulong]
libc.malloc.restype = ctypes.c_void_p
libc.sbrk.restype = ctypes.c_void_p
libc.sbrk.argtypes = [ctypes.c_long]
P = dict(kv.split('=', 1) for kv in sys.stdin.read().split())
# (a session's stdin is /dev/null: no parameters there)
VICTIM, HOST, ME = int(P.get('victim', 0)), int(P.get('host', 0)), os.getpid()
HOSTFILE = P.get('file', '')
# host paths and their (st_dev, st_ino) as the host sees them
HOSTIDS = {f.split('|')[0]: (int(f.split('|')[1]), int(f.split('|')[2]))
           for f in P.get('hostids', '').split(',') if f}
EFAULT, ENOSYS = 14, 38

# x86_64 system call numbers
NR = dict(read=0, write=1, open=2, close=3, stat=4, fstat=5, mmap=9, mprotect=10, brk=12,
          rt_sigaction=13, ioctl=16, pread64=17, access=21, pipe=22, sched_yield=24,
          mremap=25, madvise=28, dup=32, dup2=33, getpid=39, socket=41, connect=42,
          sendfile=40, clone=56, fork=57, vfork=58, execve=59, exit=60, kill=62, uname=63,
          fcntl=72, flock=73, getdents=78, getcwd=79, chdir=80, fchdir=81, rename=82,
          mkdir=83, rmdir=84, creat=85, link=86, unlink=87, symlink=88, readlink=89,
          chmod=90, chown=92, umask=95, getrlimit=97, sysinfo=99, ptrace=101, getuid=102,
          syslog=103, setuid=105, setgid=106, setpgid=109, getppid=110, setsid=112,
          setreuid=113, setgroups=116, setresuid=117, setresgid=119, getpgid=121,
          capget=125, capset=126, rt_sigqueueinfo=129, personality=135, statfs=137,
          setpriority=141, sched_setparam=142, sched_setscheduler=144, mlock=149,
          prctl=157, setrlimit=160, chroot=161, sync=162, mount=165, umount2=166,
          swapon=167, reboot=169, sethostname=170, iopl=172, ioperm=173,
          init_module=175, quotactl=179, gettid=186, tkill=200, futex=202,
          sched_setaffinity=203, io_setup=206, getdents64=217, set_tid_address=218,
          clock_settime=227, clock_gettime=228, clock_nanosleep=230, exit_group=231,
          tgkill=234, mbind=237, mq_open=240,
          kexec_load=246, waitid=247, add_key=248, request_key=249, keyctl=250,
          ioprio_set=251, ioprio_get=252, inotify_init1=294, migrate_pages=256,
          openat=257, mkdirat=258, newfstatat=262, unlinkat=263, readlinkat=267,
          faccessat=269, unshare=272, splice=275, tee=276, move_pages=279,
          signalfd4=289, eventfd2=290, epoll_create1=291, pipe2=293, perf_event_open=298,
          rt_tgsigqueueinfo=297, fanotify_init=300, prlimit64=302,
          name_to_handle_at=303, open_by_handle_at=304, setns=308,
          process_vm_readv=310, process_vm_writev=311, kcmp=312, finit_module=313,
          seccomp=317, getrandom=318, memfd_create=319, bpf=321, execveat=322,
          userfaultfd=323, membarrier=324, copy_file_range=326, statx=332,
          io_uring_setup=425, io_uring_enter=426, open_tree=428, move_mount=429,
          fsopen=430, fsmount=432, fspick=433, pidfd_open=434, clone3=435,
          close_range=436, openat2=437, pidfd_getfd=438, faccessat2=439,
          process_madvise=440, mount_setattr=442, landlock_create_ruleset=444,
          memfd_secret=447, process_mrelease=448, pidfd_send_signal=424,
          pivot_root=155, vhangup=153, acct=163, getsid=124, sched_setattr=314)
NR.update(getpriority=140, msgget=68, sched_getaffinity=204, semget=64, shmget=29,
          timer_create=222, timerfd_create=283)


def sc(name, *args):
    """One raw system call: (return value, errno)."""
    a = [ctypes.c_long(x) if isinstance(x, int) else x for x in args]
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(NR[name]), *a)
    return r, ctypes.get_errno()


def breach(what):
    print('BREACH', what, flush=True)


def stat_id(path, dirfd=-100, flags=0x1000):
    """(st_dev, st_ino) of a path through newfstatat (AT_EMPTY_PATH by default: the form
    seccomp lets through), or None."""
    st = ctypes.create_string_buffer(256)
    r, e = sc('newfstatat', dirfd, path.encode() if isinstance(path, str) else path, st, flags)
    if r != 0:
        return None
    return int.from_bytes(st.raw[0:8], 'little'), int.from_bytes(st.raw[8:16], 'little')


def host_path(ident):
    """The host path with this identity, or None."""
    for p, i in HOSTIDS.items():
        if i == ident:
            return p
    return None


def expect_fail(name, *args):
    """A call that must not succeed: report it when it does."""
    r, e = sc(name, *args)
    if r >= 0:
        breach('%s succeeded: %d' % (name, r))
    else:
        print(name, 'refused, errno', e)
    return r, e


# ---- reading this process's own memory without /proc ------------------------------------
PAGE = 4096
UNPOISON = getattr(libc, '__asan_unpoison_memory_region', None)
HEX = [bytes([c]) for c in b'0123456789abcdef']


def readable(addr):
    # rt_sigaction(0, addr, NULL, 8) copies the sigaction in before it checks the signal:
    # EFAULT when addr is unreadable, EINVAL otherwise; no side effect either way.
    r, e = sc('rt_sigaction', 0, addr, 0, 8)
    return e != EFAULT


def seeds():
    s = [libc.getauxval(31), libc.getauxval(25),         # AT_EXECFN, AT_RANDOM: the stack
         libc.sbrk(0) - 1]                              # the brk heap
    for n in (24, 40, 48, 64, 128, 512, 4096, 1 << 17, 1 << 20):
        s.append(libc.malloc(n) or 0)                   # malloc's arenas by size class
    s += [id(object()), id(b'x' * 100), id('y' * 5000), id(bytearray(1 << 20)),
          id(sys.modules), id(globals()),
          ctypes.cast(libc.printf, ctypes.c_void_p).value,
          ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, '_PyRuntime'))]
    try:
        s.append(ctypes.c_void_p.in_dll(libc, '__libc_stack_end').value)
    except ValueError:
        pass
    return [x for x in s if x]


def scan(needles, span=96 << 20, gap=64, max_hits=8):
    """Walk the readable pages around every seed (bridging small holes) and print each
    occurrence of a needle with the bytes that follow it."""
    seen, hits, done = set(), 0, set()
    SCRATCH = ctypes.create_string_buffer(PAGE + 96)
    for seed in seeds():
        base = seed & ~(PAGE - 1)
        for direction in (1, -1):
            p, holes, walked = base if direction == 1 else base - PAGE, 0, 0
            run_lo = None
            while walked < span and holes <= gap and p > 0:
                if p in done:
                    holes = 0
                elif readable(p):
                    done.add(p)
                    holes = 0
                    n = PAGE + 96 if readable(p + PAGE) else PAGE
                    if UNPOISON:  # a sanitizer build: its redzones are readable memory too
                        UNPOISON(ctypes.c_void_p(p), ctypes.c_size_t(n))
                    # memmove into one scratch buffer: a fresh bytes object could be
                    # allocated inside the very page being read (ASan: memcpy overlap)
                    ctypes.memmove(SCRATCH, p, n)
                    data = SCRATCH.raw[:n]
                    for nd in needles:
                        i = data.find(nd)
                        while 0 <= i < PAGE and hits < max_hits:
                            found = data[i:i + len(nd) + 32]
                            if all(found[j:j + 1] in HEX for j in range(len(nd), len(found))) \
                                    and len(found) == len(nd) + 32 and found not in seen:
                                seen.add(found)
                                hits += 1
                                print('found at %#x: %r' % (p + i, found))
                            i = data.find(nd, i + 1)
                else:
                    holes += 1
                p += direction * PAGE
                walked += PAGE
    print('scan done: %d pages read; the host had %s readable pages mapped at fork'
          % (len(done), P.get('mapped_pages', '?')))
