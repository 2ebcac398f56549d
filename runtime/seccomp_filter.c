/*
 * seccomp_filter.c: the system-call allowlist of the sandboxed child, as data.
 *
 * The child is an already-initialised interpreter that only computes, allocates and writes
 * to its pipes. Everything it may call is listed below with the reason; anything unlisted
 * kills the whole process (SCMP_ACT_KILL_PROCESS, seen by the parent as SIGSYS). Calls that
 * innocent library code makes on its way to a refusal (opening or stat-ing a file) fail
 * with EACCES instead, so Python raises PermissionError. The filter is compiled with
 * libseccomp in the parent, once per process, and exported as raw BPF, so the child only
 * has to call seccomp(2) on memory that already exists.
 */
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef PV_HAVE_SECCOMP
#include <linux/filter.h>
#include <seccomp.h>
#endif

enum {
    ACT_ALLOW,
    ACT_ALLOW_NOEXEC,
    ACT_ALLOW_EMPTY_PATH,
    ACT_ALLOW_FCNTL,
    ACT_ALLOW_OWN_CLOCK,
    ACT_ALLOW_PRIVATE_FUTEX,
    ACT_ALLOW_MADVISE,
    ACT_UNTIL_RUN,
    ACT_EACCES,
    ACT_ENOTTY,
    ACT_EPERM
};

typedef struct syscall_entry {
    const char *name;
    int action;
    const char *reason;
} syscall_entry;

/* The table. ACT_ALLOW_NOEXEC: allowed unless the protection asks for PROT_EXEC (no new
 * executable memory). ACT_ALLOW_EMPTY_PATH: only with AT_EMPTY_PATH (fstat of an open
 * descriptor), other forms fail with EACCES. ACT_ALLOW_FCNTL: only the commands in
 * fcntl_allowed[] (F_SETFL without O_ASYNC); any other command (F_SETOWN, F_SETSIG,
 * F_NOTIFY, F_SETLEASE, F_SETPIPE_SZ, locks...) kills. ACT_ALLOW_OWN_CLOCK: clock ids 0-11
 * only (CLOCK_REALTIME ... CLOCK_TAI, the caller's own process and thread CPU clocks); the
 * negative ids that name another process's CPU clock kill. ACT_ALLOW_PRIVATE_FUTEX: only
 * operations with FUTEX_PRIVATE_FLAG (keyed by the caller's own memory); a shared futex on
 * a file-backed page (libc's text, mapped by every run) is keyed by the file's inode and
 * offset, so its wake-ups cross between processes: it kills. */
static const syscall_entry syscall_table[] = {
    /* I/O on descriptors the child already holds (0-3) */
    {"read", ACT_ALLOW, "read stdin (fd 0)"},
    {"readv", ACT_ALLOW, "buffered reads of stdin"},
    {"write", ACT_ALLOW, "stdout/stderr pipes and the control pipe"},
    {"writev", ACT_ALLOW, "gathered writes to the same pipes"},
    {"lseek", ACT_ALLOW, "io.TextIOWrapper asks its stream for its position"},
    {"fstat", ACT_ALLOW, "io checks the type and block size of fds 0-2"},
    {"newfstatat", ACT_ALLOW_EMPTY_PATH, "glibc's fstat() is newfstatat(fd, \"\", AT_EMPTY_PATH); path forms get EACCES"},
    {"close", ACT_ALLOW, "closing one of its own descriptors"},
    {"fcntl", ACT_ALLOW_FCNTL, "F_GETFD, F_SETFD, F_GETFL, F_SETFL without O_ASYNC, F_DUPFD_CLOEXEC only: no F_SETOWN/F_SETSIG/O_ASYNC (signals to other processes), F_NOTIFY, F_SETLEASE, F_SETPIPE_SZ, locks"},
    {"ioctl", ACT_ENOTTY, "isatty() on the pipes; every ioctl fails with ENOTTY (no TIOCSTI and friends)"},
    /* memory */
    {"brk", ACT_ALLOW, "malloc grows the heap"},
    {"mmap", ACT_ALLOW_NOEXEC, "malloc and pymalloc arenas; never PROT_EXEC"},
    {"munmap", ACT_ALLOW, "releasing arenas"},
    {"mremap", ACT_ALLOW, "realloc of large blocks (big lists, strings)"},
    {"mprotect", ACT_ALLOW_NOEXEC, "glibc heap trimming/growth of non-main arenas; never PROT_EXEC"},
    {"madvise", ACT_ALLOW_MADVISE, "glibc returns freed memory (MADV_DONTNEED); the advice values in madvise_allowed[] only, others EPERM: no MADV_MERGEABLE (KSM would merge identical pages of two runs: a timing channel between them), no MADV_DONTFORK, MADV_WIPEONFORK, MADV_PAGEOUT"},
    /* threads' primitives, signals, time */
    {"futex", ACT_ALLOW_PRIVATE_FUTEX, "the GIL and glibc locks, all FUTEX_PRIVATE_FLAG; a shared futex (keyed by a file's inode: libc's pages are every run's) would let two runs wake each other"},
    {"rt_sigaction", ACT_ALLOW, "signal handlers"},
    {"rt_sigprocmask", ACT_ALLOW, "signal masks (glibc, abort)"},
    {"rt_sigreturn", ACT_ALLOW, "return from a signal handler"},
    {"sigaltstack", ACT_ALLOW, "alternate signal stack"},
    {"restart_syscall", ACT_ALLOW, "restarting a call interrupted by a signal"},
    {"clock_gettime", ACT_ALLOW_OWN_CLOCK, "time.monotonic, time.process_time when the vDSO is not used; clock ids 0-11 only (no other process's CPU clock)"},
    {"clock_getres", ACT_ALLOW_OWN_CLOCK, "time.get_clock_info; clock ids 0-11 only (no other process's CPU clock)"},
    {"gettimeofday", ACT_ALLOW, "time.time fallback"},
    {"clock_nanosleep", ACT_ALLOW_OWN_CLOCK, "time.sleep: bounded by the wall-clock watchdog; clock ids 0-11 only (no other process's CPU clock)"},
    {"nanosleep", ACT_ALLOW, "sleeping, bounded by the watchdog"},
    {"sched_yield", ACT_ALLOW, "spin locks"},
    {"getrandom", ACT_ALLOW, "random seeding, hash randomisation"},
    {"getrusage", ACT_ALLOW, "resource usage of itself"},
    {"getpid", ACT_ALLOW, "its own pid (abort, random)"},
    {"gettid", ACT_ALLOW, "its own thread id (abort)"},
    {"getuid", ACT_ALLOW, "harmless identity query"},
    {"geteuid", ACT_ALLOW, "harmless identity query"},
    {"getgid", ACT_ALLOW, "harmless identity query"},
    {"getegid", ACT_ALLOW, "harmless identity query"},
    /* signals to itself only: a second filter installed in the child kills any call whose
       target is another pid (kill(getppid()), kill(0), kill(-1)) */
    {"kill", ACT_ALLOW, "raise() on itself only (pid checked by the second filter)"},
    {"tgkill", ACT_ALLOW, "abort() on itself only (pid checked by the second filter)"},
    {"tkill", ACT_ALLOW, "raise on its own thread only (pid checked by the second filter)"},
    {"exit", ACT_ALLOW, "thread exit"},
    /* the child's own set-up after its request (the filter is attached before it, off the
       request's path: issue 19); a second filter attached before the program runs
       (sandbox.c, step_seccomp_lock) kills each of them */
    {"prlimit64", ACT_UNTIL_RUN, "the run's limits, set by the child once its request is read (setrlimit)"},
    {"setrlimit", ACT_UNTIL_RUN, "the same, where libc calls it by this name"},
    {"memfd_create", ACT_UNTIL_RUN, "the request's stdin, written to a memfd that becomes fd 0"},
    {"dup2", ACT_UNTIL_RUN, "that memfd onto fd 0"},
    {"dup3", ACT_UNTIL_RUN, "the same where libc's dup2 is dup3 (arm64, riscv64: no dup2 there)"},
    {"seccomp", ACT_UNTIL_RUN, "attaching the second filter itself"},
    {"exit_group", ACT_ALLOW, "process exit"},
    /* refused with EACCES: reaching files by path */
    {"open", ACT_EACCES, "files: PermissionError"},
    {"openat", ACT_EACCES, "files: PermissionError"},
    {"openat2", ACT_EACCES, "files: PermissionError"},
    {"creat", ACT_EACCES, "files: PermissionError"},
    {"stat", ACT_EACCES, "file metadata: PermissionError"},
    {"lstat", ACT_EACCES, "file metadata: PermissionError"},
    {"statx", ACT_EACCES, "file metadata: PermissionError"},
    {"access", ACT_EACCES, "file metadata: PermissionError"},
    {"faccessat", ACT_EACCES, "file metadata: PermissionError"},
    {"faccessat2", ACT_EACCES, "file metadata: PermissionError"},
    {"readlink", ACT_EACCES, "file metadata: PermissionError"},
    {"readlinkat", ACT_EACCES, "file metadata: PermissionError"},
    {"getdents64", ACT_EACCES, "directory listing: PermissionError"},
    {"getcwd", ACT_EACCES, "the private directory's name is not the program's business"},
};

#define NSYSCALLS (sizeof syscall_table / sizeof syscall_table[0])

static const char *action_name(int a)
{
    switch (a) {
    case ACT_ALLOW: return "allow";
    case ACT_ALLOW_NOEXEC: return "allow (not PROT_EXEC)";
    case ACT_ALLOW_EMPTY_PATH: return "allow (AT_EMPTY_PATH only)";
    case ACT_ALLOW_FCNTL: return "allow (listed commands only)";
    case ACT_ALLOW_OWN_CLOCK: return "allow (clock ids 0-11 only)";
    case ACT_ALLOW_PRIVATE_FUTEX: return "allow (FUTEX_PRIVATE_FLAG only)";
    case ACT_ALLOW_MADVISE: return "allow (listed advice only, else EPERM)";
    case ACT_UNTIL_RUN: return "allow until the program runs, then kill";
    case ACT_EACCES: return "EACCES";
    case ACT_ENOTTY: return "ENOTTY";
    case ACT_EPERM: return "EPERM";
    }
    return "?";
}

const pvx_syscall_rule *pvx_seccomp_rule(size_t i)
{
    static pvx_syscall_rule rule;
    if (i >= NSYSCALLS)
        return NULL;
    rule.name = syscall_table[i].name;
    rule.action = action_name(syscall_table[i].action);
    rule.reason = syscall_table[i].reason;
    return &rule;
}

#ifdef PV_HAVE_SECCOMP

/* fcntl commands an interpreter uses on descriptors it holds (strace of CPython 3.11: none
 * after start-up; os.set_inheritable/set_blocking/dup use these). F_SETFL is added with an
 * argument check. Compared on all 64 bits: garbage in the upper half kills. */
static const int fcntl_allowed[] = {F_GETFD, F_SETFD, F_GETFL, F_DUPFD_CLOEXEC};
/* The advice glibc's allocator, CPython and the sanitizers' runtimes give (MADV_NORMAL,
 * RANDOM, SEQUENTIAL, WILLNEED, DONTNEED, FREE, HUGEPAGE, NOHUGEPAGE, DONTDUMP, DODUMP);
 * any other fails with EPERM, which they ignore. */
static const int madvise_allowed[] = {0, 1, 2, 3, 4, 8, 14, 15, 16, 17};
/* CLOCK_TAI, the highest fixed clock id; CPU clocks of other processes are negative */
#define PVX_MAX_CLOCK_ID 11

static struct sock_fprog cached_prog;
static bool cached;
static const char *cached_why;

/* Add one table entry to ctx. Returns 0 or a negative libseccomp error. */
static int add_entry(scmp_filter_ctx ctx, const syscall_entry *e)
{
    int nr = seccomp_syscall_resolve_name(e->name);
    if (nr == __NR_SCMP_ERROR || nr < 0)
        return 0; /* not a system call on this architecture */
    switch (e->action) {
    case ACT_ALLOW:
        return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
    case ACT_ALLOW_NOEXEC:
        return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                                SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
    case ACT_ALLOW_EMPTY_PATH: {
        int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                                  SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH));
        if (rc == 0)
            rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), nr, 1,
                                  SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, 0));
        return rc;
    }
    case ACT_ALLOW_FCNTL: {
        int rc = 0;
        for (size_t i = 0; rc == 0 && i < sizeof fcntl_allowed / sizeof fcntl_allowed[0]; i++)
            rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                                  SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)fcntl_allowed[i], 0));
        /* F_SETFL, but never O_ASYNC: SIGIO (or F_SETSIG's signal) to the pipe's owner */
        if (rc == 0)
            rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 2, SCMP_A1(SCMP_CMP_EQ, F_SETFL, 0),
                                  SCMP_A2(SCMP_CMP_MASKED_EQ, O_ASYNC, 0));
        return rc;
    }
    case ACT_ALLOW_OWN_CLOCK:
        /* 64-bit comparison: a negative clockid_t (another pid's CPU clock) is >= 2^31 */
        return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A0(SCMP_CMP_LE, PVX_MAX_CLOCK_ID, 0));
    case ACT_ALLOW_PRIVATE_FUTEX:
        /* FUTEX_PRIVATE_FLAG (128) in the operation; without it the key of a file-backed
           page is the file's (inode, offset): shared with every process that maps it */
        return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                                SCMP_A1(SCMP_CMP_MASKED_EQ, 128, 128));
    case ACT_ALLOW_MADVISE: {
        int rc = 0;
        for (size_t i = 0; rc == 0 && i < sizeof madvise_allowed / sizeof madvise_allowed[0]; i++)
            rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                                  SCMP_A2(SCMP_CMP_EQ, (scmp_datum_t)madvise_allowed[i], 0));
        /* every other advice fails (libseccomp wants disjoint conditions: each value below
           18 that is not listed, then 18 and above, unsigned) */
        for (int adv = 0; rc == 0 && adv < 18; adv++) {
            bool listed = false;
            for (size_t i = 0; i < sizeof madvise_allowed / sizeof madvise_allowed[0]; i++)
                listed = listed || madvise_allowed[i] == adv;
            if (!listed)
                rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 1,
                                      SCMP_A2(SCMP_CMP_EQ, (scmp_datum_t)adv, 0));
        }
        if (rc == 0)
            rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 1,
                                  SCMP_A2(SCMP_CMP_GE, (scmp_datum_t)18, 0));
        return rc;
    }
    case ACT_UNTIL_RUN:
        return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
    case ACT_EACCES:
        return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), nr, 0);
    case ACT_ENOTTY:
        return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOTTY), nr, 0);
    case ACT_EPERM:
        return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
    }
    return -EINVAL;
}

/* Build the filter and export it as BPF into memory. */
static const char *build(struct sock_fprog *out)
{
    scmp_filter_ctx ctx = NULL;
    int memfd = -1;
    const char *why = NULL;
    struct sock_filter *insns = NULL;
    off_t size;

    ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    if (!ctx) {
        why = "seccomp_init failed";
        goto fail;
    }
    /* no_new_privs is set by its own step, so that it is reported on its own */
    if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) < 0) {
        why = "seccomp_attr_set(NNP) failed";
        goto fail;
    }
    /* a binary tree of syscall numbers instead of a linear chain: the kernel runs the filter
       for each call, and emulates it for every syscall number when the filter is attached
       (its cache of always-allowed calls): both walk a few comparisons instead of up to a
       hundred (issue 19: the attach was ~0.14 ms of each warm run). Best effort: a
       libseccomp without the attribute builds the linear filter */
    (void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
    for (size_t i = 0; i < NSYSCALLS; i++) {
        if (add_entry(ctx, &syscall_table[i]) < 0) {
            why = "seccomp_rule_add failed";
            goto fail;
        }
    }
    memfd = memfd_create("pyverify-bpf", MFD_CLOEXEC);
    if (memfd < 0) {
        why = "memfd_create failed";
        goto fail;
    }
    if (seccomp_export_bpf(ctx, memfd) < 0) {
        why = "seccomp_export_bpf failed";
        goto fail;
    }
    size = lseek(memfd, 0, SEEK_END);
    if (size <= 0 || size % (off_t)sizeof(struct sock_filter) != 0 ||
        size / (off_t)sizeof(struct sock_filter) > 4096) {
        why = "seccomp_export_bpf produced no program";
        goto fail;
    }
    insns = malloc((size_t)size);
    if (!insns || pread(memfd, insns, (size_t)size, 0) != size) {
        why = "reading the exported filter failed";
        goto fail;
    }
    out->len = (unsigned short)(size / (off_t)sizeof(struct sock_filter));
    out->filter = insns;
    insns = NULL;
fail:
    free(insns);
    if (memfd >= 0)
        close(memfd);
    if (ctx)
        seccomp_release(ctx);
    return why;
}

const void *pvx_seccomp_program(const char **why)
{
    if (!cached) {
        cached_why = build(&cached_prog);
        cached = true;
    }
    if (cached_why) {
        *why = cached_why;
        return NULL;
    }
    *why = NULL;
    return &cached_prog;
}

#else /* !PV_HAVE_SECCOMP */

const void *pvx_seccomp_program(const char **why)
{
    *why = "pyverify was built without libseccomp";
    return NULL;
}

#endif
