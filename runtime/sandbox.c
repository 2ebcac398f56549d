/*
 * sandbox.c: the child's operating-system layers, applied in a fixed order from a table
 * (in the manner of nsjail and bubblewrap): new session, descriptors, environment, working
 * directory, rlimits, privileges, namespaces, no_new_privs, seccomp. Each step reports to the
 * parent over the control pipe: an active layer by name, or the step that could not be
 * applied and why. A mandatory step that fails ends the child before any program code runs.
 * Only async-signal-safe calls here: this runs between fork() and the interpreter.
 */
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/landlock.h>
#include <poll.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/* Sanitizers reserve terabytes of address space: RLIMIT_AS cannot work under them. */
#if defined(__SANITIZE_ADDRESS__)
#define PVX_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || \
    __has_feature(thread_sanitizer)
#define PVX_SANITIZED 1
#endif
#endif
#ifndef PVX_SANITIZED
#define PVX_SANITIZED 0
#endif

#if PVX_SANITIZED
/* In sanitizer builds a failed allocation must stay a MemoryError (status "memory") in the
 * child, as in normal builds, instead of an ASan report and exit 1 (or a hang). The
 * environment's ASAN_OPTIONS still override this default. */
__attribute__((visibility("default"), used)) const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    /* a small quarantine: freed memory parked by ASan must not count against the run's
       memory limit (a CPU-bound loop of big-int arithmetic ran out of memory under ASan) */
    return "allocator_may_return_null=1:quarantine_size_mb=16";
}
#endif

#define PVX_NOBODY 65534u

/* The architecture the second seccomp filter accepts (its syscall numbers are this one's). */
#if defined(__x86_64__)
#define PVX_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define PVX_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
#define PVX_AUDIT_ARCH AUDIT_ARCH_RISCV64
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define PVX_AUDIT_ARCH AUDIT_ARCH_PPC64LE
#elif defined(__s390x__)
#define PVX_AUDIT_ARCH AUDIT_ARCH_S390X
#endif /* elsewhere the main filter's own architecture check is the only one */
#define PVX_NOFILE 16u
#define PVX_STACK_BYTES (8u * 1024u * 1024u)

int pvx_send(int fd, char type, const void *data, size_t len)
{
    unsigned char hdr[5];
    uint32_t n = (uint32_t)len;
    const unsigned char *p;
    size_t left, skip;

    if (len > PVX_MAX_RECORD)
        return -1;
    hdr[0] = (unsigned char)type;
    memcpy(hdr + 1, &n, 4);
    {
        /* one call for the header and the payload: the parent wakes once per record */
        struct iovec iov[2] = {{hdr, sizeof hdr}, {(void *)data, len}};
        ssize_t w;
        do
            w = writev(fd, iov, len ? 2 : 1);
        while (w < 0 && errno == EINTR);
        if (w < 0)
            return -1;
        if ((size_t)w == sizeof hdr + len)
            return 0;
        skip = (size_t)w; /* a partial write: the rest below */
    }
    for (int part = 0; part < 2; part++) {
        p = part == 0 ? hdr : data;
        left = part == 0 ? sizeof hdr : len;
        if (skip >= left) {
            skip -= left;
            continue;
        }
        p += skip;
        left -= skip;
        skip = 0;
        while (left > 0) {
            ssize_t w = write(fd, p, left);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                return -1;
            p += w;
            left -= (size_t)w;
        }
    }
    return 0;
}

void pvx_child_fatal(const char *why)
{
    pvx_send(PVX_FD_CONTROL, PVX_REC_FATAL, why, strlen(why));
    _exit(PVX_EXIT_SETUP);
}

int pvx_read_full(int fd, void *p, size_t n)
{
    char *c = p;
    while (n > 0) {
        ssize_t r = read(fd, c, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        c += r;
        n -= (size_t)r;
    }
    return 0;
}

int pvx_send_full(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

void pvx_send_fail(int fd, const char *step, const char *reason)
{
    char buf[512];
    size_t a = strlen(step), b = strlen(reason);
    if (a + b + 2 > sizeof buf)
        b = sizeof buf - a - 2;
    memcpy(buf, step, a);
    buf[a] = '\0';
    memcpy(buf + a + 1, reason, b);
    buf[a + 1 + b] = '\0';
    pvx_send(fd, PVX_REC_FAIL, buf, a + b + 2);
}

static void send_layer(const char *name)
{
    pvx_send(PVX_FD_CONTROL, PVX_REC_LAYER, name, strlen(name));
}

/* "what: strerror(errno)" without stdio (async-signal-safe enough: strerror of a known
 * errno reads static tables in glibc). */
static void fail_errno(const char *step, const char *what, int err)
{
    char buf[256];
    size_t n = strlen(what);
    const char *e = strerror(err);
    size_t m = strlen(e);
    if (n > 120)
        n = 120;
    if (m > 120)
        m = 120;
    memcpy(buf, what, n);
    memcpy(buf + n, ": ", 2);
    memcpy(buf + n + 2, e, m);
    buf[n + 2 + m] = '\0';
    pvx_send_fail(PVX_FD_CONTROL, step, buf);
}

typedef enum step_result { STEP_OK, STEP_SKIPPED, STEP_FATAL } step_result;

/* ---- 1. session, descriptors, environment, working directory -------------------------- */

static step_result step_session(const pvx_child_plan *plan)
{
    (void)plan;
    if (setsid() < 0) {
        fail_errno("session", "setsid", errno);
        return STEP_FATAL; /* the watchdog could not kill the whole group */
    }
    send_layer("session");
    return STEP_OK;
}

/* Runs before the control pipe is on fd 3, so it cannot report through it: on failure it
 * exits, and the parent sees PVX_EXIT_SETUP without a record. */
static step_result step_descriptors(const pvx_child_plan *plan)
{
    int src[5] = {plan->stdin_fd, plan->stdout_fd, plan->stderr_fd, plan->control_fd,
                  plan->request_fd};
    int tmp[5];
    int n = plan->request_fd >= 0 ? 5 : 4; /* a warm child keeps its request pipe on fd 4 */
    /* move out of the way first, so that dup2 never meets a descriptor already in place */
    for (int i = 0; i < n; i++) {
        tmp[i] = fcntl(src[i], F_DUPFD_CLOEXEC, 10);
        if (tmp[i] < 0)
            _exit(PVX_EXIT_SETUP);
    }
    for (int i = 0; i < n; i++) {
        if (dup2(tmp[i], i) < 0) /* dup2 clears FD_CLOEXEC on the target */
            _exit(PVX_EXIT_SETUP);
    }
    if (syscall(SYS_close_range, (unsigned)n, ~0u, 0u) < 0) {
        for (int fd = n; fd < 65536; fd++)
            close(fd);
    }
    /* the control pipe stays close-on-exec: nothing may inherit it */
    if (fcntl(PVX_FD_CONTROL, F_SETFD, FD_CLOEXEC) < 0)
        _exit(PVX_EXIT_SETUP);
    send_layer("descriptors");
    return STEP_OK;
}

/* The bounds of the argument and environment strings the kernel put on the initial stack
 * (fields 48-51 of /proc/self/stat), or 0 when unknown. */
static int stack_strings(unsigned long b[4])
{
    char buf[2048];
    ssize_t n = 0, r;
    const char *p;
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    while (n < (ssize_t)sizeof buf - 1 && (r = read(fd, buf + n, sizeof buf - 1 - (size_t)n)) > 0)
        n += r;
    close(fd);
    buf[n] = '\0';
    p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
    if (!p)
        return -1;
    p++;
    for (int field = 3; field <= 51; field++) {
        char *end;
        unsigned long v;
        while (*p == ' ')
            p++;
        if (field == 3) { /* the state letter */
            p++;
            continue;
        }
        v = strtoul(p, &end, 10);
        if (end == p)
            return -1;
        if (field >= 48)
            b[field - 48] = v;
        p = end;
    }
    /* an empty environment (a host started with env -i, or the Python package's template
       process) has env_start == env_end: nothing to wipe there, not a parse failure */
    return b[0] < b[1] && b[2] != 0 && b[2] <= b[3] ? 0 : -1;
}

void pvx_wipe_environment(void)
{
    extern char **environ;
    for (char **e = environ; e && *e; e++)
        explicit_bzero(*e, strlen(*e)); /* the inherited ones and any setenv() copy */
    clearenv();
}

int pvx_wipe_stack_strings(void)
{
    unsigned long b[4] = {0, 0, 0, 0};
    if (stack_strings(b) < 0)
        return -1;
    explicit_bzero((void *)b[0], b[1] - b[0]);
    explicit_bzero((void *)b[2], b[3] - b[2]);
    return 0;
}

/* clearenv() forgets the strings but leaves them in memory: on the initial stack, where a
 * native probe finds the host's environment (and argv), and in the heap (setenv). Zero them
 * all, then forget them. */
static step_result step_environment(const pvx_child_plan *plan)
{
    (void)plan;
    pvx_wipe_environment();
    if (pvx_wipe_stack_strings() < 0) /* reported; the rest of the step still holds */
        pvx_send_fail(PVX_FD_CONTROL, "environment:stack",
                      "/proc/self/stat does not say where the initial stack strings are");
    if (clearenv() != 0) {
        pvx_send_fail(PVX_FD_CONTROL, "environment", "clearenv failed");
        return STEP_FATAL;
    }
    send_layer("environment");
    return STEP_OK;
}

static step_result step_workdir(const pvx_child_plan *plan)
{
    if (chdir(plan->workdir) < 0) {
        fail_errno("workdir", "chdir", errno);
        return STEP_FATAL;
    }
    send_layer("workdir");
    return STEP_OK;
}

/* ---- 2. rlimits ---------------------------------------------------------------------- */

static int set_limit(int res, rlim_t soft, rlim_t hard)
{
    struct rlimit rl = {soft, hard};
    return setrlimit(res, &rl);
}

static step_result step_rlimits(const pvx_child_plan *plan)
{
    rlim_t cpu = (rlim_t)plan->cpu_s;
    /* what the program may add to the inherited image: a big multi-threaded host must not
       leave its child with no memory at all */
    rlim_t mem = (rlim_t)plan->memory_mb * 1024u * 1024u +
                 (rlim_t)(PVX_SANITIZED ? plan->inherited_data : plan->inherited_vm);
    struct rlimit cur;

    if ((double)cpu < plan->cpu_s)
        cpu++;
    if (cpu < 1)
        cpu = 1;
    /* SIGXCPU at the soft limit, SIGKILL one second later */
    if (set_limit(RLIMIT_CPU, cpu, cpu + 1) < 0) {
        fail_errno("rlimits", "RLIMIT_CPU", errno);
        return STEP_FATAL;
    }
#if PVX_SANITIZED
    if (set_limit(RLIMIT_DATA, mem, mem) < 0) {
        fail_errno("rlimits", "RLIMIT_DATA", errno);
        return STEP_FATAL;
    }
    pvx_send_fail(PVX_FD_CONTROL, "rlimit:as",
                  "sanitizer build: RLIMIT_AS cannot work, RLIMIT_DATA used instead");
    send_layer("rlimit:data");
#else
    if (set_limit(RLIMIT_AS, mem, mem) < 0) {
        fail_errno("rlimits", "RLIMIT_AS", errno);
        return STEP_FATAL;
    }
#endif
    if (set_limit(RLIMIT_FSIZE, 0, 0) < 0 || set_limit(RLIMIT_CORE, 0, 0) < 0 ||
        set_limit(RLIMIT_NOFILE, PVX_NOFILE, PVX_NOFILE) < 0 ||
        set_limit(RLIMIT_NPROC, 0, 0) < 0) {
        fail_errno("rlimits", "RLIMIT_FSIZE/CORE/NOFILE/NPROC", errno);
        return STEP_FATAL;
    }
    /* never below what the main thread already uses */
    if (getrlimit(RLIMIT_STACK, &cur) == 0 &&
        (cur.rlim_cur == RLIM_INFINITY || cur.rlim_cur > PVX_STACK_BYTES)) {
        if (set_limit(RLIMIT_STACK, PVX_STACK_BYTES, PVX_STACK_BYTES) < 0) {
            fail_errno("rlimits", "RLIMIT_STACK", errno);
            return STEP_FATAL;
        }
    }
    send_layer("rlimits");
    return STEP_OK;
}

/* ---- privileges: root drops to nobody so that RLIMIT_NPROC and file modes apply -------- */

static step_result step_privileges(const pvx_child_plan *plan)
{
    /* each run gets a uid of its own, from a range no account uses, distinct among the
       runs alive (run.c, template.c): no run can signal or ptrace another even with every
       other layer gone; 65534 only when the forking process has no free uid left */
    uid_t id = plan->run_uid ? (uid_t)plan->run_uid : PVX_NOBODY;
    if (geteuid() != 0 && getuid() != 0) {
        send_layer("unprivileged");
        if (!(plan->flags & PV_RUN_NO_OS_LAYER))
            pvx_send_fail(PVX_FD_CONTROL, "uid:per-run",
                          plan->uid_why ? plan->uid_why
                                        : "not root: every run keeps this process's uid "
                                          "(no uid_map)");
        return STEP_OK;
    }
    if (setgroups(0, NULL) < 0 || setresgid(id, id, id) < 0 || setresuid(id, id, id) < 0) {
        fail_errno("unprivileged", plan->run_uid ? "dropping root to the run's uid"
                                                 : "dropping root to uid/gid 65534", errno);
        return STEP_FATAL;
    }
    /* a non-root template is root only in its user namespace (subid.c): it opens the
       child's /proc/PID/ns (template.c) with the capabilities it has there, which do not
       cover a mm made outside, unless the child is dumpable. Only the run's own uid, the
       template and the owner of its namespace (the host's uid) can trace it. */
    if (plan->sub_userns && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0) {
        fail_errno("unprivileged", "prctl(PR_SET_DUMPABLE)", errno);
        return STEP_FATAL;
    }
    send_layer("unprivileged");
    if (plan->run_uid)
        send_layer("uid:per-run");
    else if (!(plan->flags & PV_RUN_NO_OS_LAYER))
        pvx_send_fail(PVX_FD_CONTROL, "uid:per-run",
                      "16 runs of one process alive at once: this one is uid 65534");
    return STEP_OK;
}

/* ---- 3. namespaces ------------------------------------------------------------------ */

/* user (so that the rest needs no privilege), net (no interface but a down loopback: no
 * network at all), ipc, mount, uts, and pid: unshare(CLONE_NEWPID) only moves the caller's
 * future children, so step_pid_split forks the program into the new namespace below.
 * A template's child (plan->net_shared) is already in the template's own network
 * namespace, as empty as a new one, and stays there (runtime/README.md, "What the runs
 * share"): making and tearing down a network namespace was a sixth of a run's CPU. */

/* What step_namespaces obtained (this process only: the child is single-threaded). */
static bool have_userns, have_mountns, have_pidns;

static step_result step_namespaces(const pvx_child_plan *plan)
{
    static const struct {
        int flag;
        const char *name;
    } ns[] = {
        {CLONE_NEWNET, "namespace:net"},
        {CLONE_NEWIPC, "namespace:ipc"},
        {CLONE_NEWNS, "namespace:mount"},
        {CLONE_NEWUTS, "namespace:uts"},
    };
    int all = CLONE_NEWUSER | CLONE_NEWPID;
    bool user = false;

    if (plan->flags & (PV_RUN_NO_OS_LAYER | PV_RUN_NO_NAMESPACES)) {
        pvx_send_fail(PVX_FD_CONTROL, "namespaces", "disabled by the caller");
        return STEP_SKIPPED;
    }
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
        if (!(ns[i].flag == CLONE_NEWNET && plan->net_shared))
            all |= ns[i].flag;
    if (unshare(all) == 0) {
        have_userns = have_mountns = have_pidns = true;
        send_layer("namespace:user");
        for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
            send_layer(ns[i].name);
        return STEP_OK;
    }
    /* one at a time, to report precisely which ones the kernel refuses */
    if (unshare(CLONE_NEWUSER) == 0) {
        user = true;
        have_userns = true;
        send_layer("namespace:user");
    } else {
        fail_errno("namespace:user", "unshare(CLONE_NEWUSER)", errno);
    }
    if (unshare(CLONE_NEWPID) == 0)
        have_pidns = true;
    else
        fail_errno("namespace:pid", user ? "unshare" : "unshare without a user namespace", errno);
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        if (ns[i].flag == CLONE_NEWNET && plan->net_shared) {
            send_layer(ns[i].name);
            continue;
        }
        if (unshare(ns[i].flag) == 0) {
            if (ns[i].flag == CLONE_NEWNS)
                have_mountns = true;
            send_layer(ns[i].name);
        } else
            fail_errno(ns[i].name, user ? "unshare" : "unshare without a user namespace",
                       errno);
    }
    return STEP_OK;
}

/* The child's root becomes an empty tmpfs, mounted on /tmp (the private directory gone):
 * pivot_root into it and detach the old root, so that the host's file system is not
 * mounted at all in the child's mount namespace (no /proc, no /sys, no /tmp): with seccomp
 * gone, there is still nothing to open. Everything the interpreter needs is already in
 * memory. Needs the user and mount namespaces (capabilities in the new user namespace);
 * the tmpfs is tiny, and its root belongs to a uid the namespace does not map, so nothing
 * can be created. */
static step_result step_filesystem(const pvx_child_plan *plan)
{
    static const char *const step = "fs:pivot_root";
    char top[64], *slash;
    if (plan->flags & (PV_RUN_NO_OS_LAYER | PV_RUN_NO_NAMESPACES)) {
        pvx_send_fail(PVX_FD_CONTROL, step, "disabled by the caller");
        return STEP_SKIPPED;
    }
    if (!have_userns || !have_mountns) {
        pvx_send_fail(PVX_FD_CONTROL, step, "needs a user and a mount namespace");
        return STEP_SKIPPED;
    }
    /* no mount event may travel back to the host's namespace */
    if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
        fail_errno(step, "mount(/, MS_PRIVATE)", errno);
        return STEP_SKIPPED;
    }
    /* the host's private directory only serves a child without this step: this uid owns
       it, so remove it now, and nothing of the run is left in the host's /tmp even when
       the parent is killed (its parent removes it otherwise, spawn.c). The tmpfs goes on
       the directory that held it (/tmp), in this namespace only */
    snprintf(top, sizeof top, "%s", plan->workdir);
    if ((slash = strrchr(top, '/')) && slash != top)
        *slash = '\0';
    (void)rmdir(plan->workdir);
    if (mount("pyverify", top, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "size=16k,nr_inodes=4,mode=0500") < 0) {
        fail_errno(step, "mount(tmpfs)", errno);
        return STEP_SKIPPED;
    }
    if (chdir(top) < 0 || syscall(SYS_pivot_root, ".", ".") < 0) {
        fail_errno(step, "pivot_root", errno);
        return STEP_SKIPPED;
    }
    /* the old root is stacked on the new one: detach it with everything under it */
    if (umount2(".", MNT_DETACH) < 0) {
        fail_errno(step, "umount2(old root)", errno);
        return STEP_FATAL; /* mandatory below: the host's root would still be visible */
    }
    if (chdir("/") < 0) {
        fail_errno(step, "chdir(/)", errno);
        return STEP_FATAL;
    }
    send_layer(step);
    return STEP_OK;
}

/* The child dies with the process that watches it: a host (or a service worker) that is
 * killed must not leave a program running without its watchdog. Set after the drop of
 * privileges, which clears the parent-death signal; if the parent is already gone, stop. */
static step_result step_parent_death(const pvx_child_plan *plan)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) {
        fail_errno("parent_death", "prctl(PR_SET_PDEATHSIG)", errno);
        return STEP_FATAL;
    }
    if (getppid() != plan->parent) {
        pvx_send_fail(PVX_FD_CONTROL, "parent_death", "the parent is gone");
        return STEP_FATAL;
    }
    send_layer("parent_death");
    return STEP_OK;
}

/* ---- the pid namespace: three processes ---------------------------------------------- */

/* Close every descriptor but `keep`. */
static void close_all_but(int keep)
{
    if (keep > 0)
        syscall(SYS_close_range, 0u, (unsigned)keep - 1, 0u);
    syscall(SYS_close_range, (unsigned)keep + 1, ~0u, 0u);
}

/* End this process as `ws` says its program ended: the same exit code, or death by the same
 * signal (default action, no core file), so that the parent's wait status is the program's. */
static _Noreturn void mirror(int ws)
{
    if (WIFSIGNALED(ws)) {
        int sig = WTERMSIG(ws);
        struct rlimit none = {0, 0};
        sigset_t all;
        setrlimit(RLIMIT_CORE, &none);
        signal(sig, SIG_DFL);
        sigemptyset(&all);
        sigaddset(&all, sig);
        sigprocmask(SIG_UNBLOCK, &all, NULL);
        kill(getpid(), sig);
        _exit(128 + sig); /* a signal whose default is not to terminate */
    }
    _exit(WIFEXITED(ws) ? WEXITSTATUS(ws) : PVX_EXIT_SETUP);
}

static int wait_for(pid_t pid, int *ws)
{
    pid_t r;
    do
        r = waitpid(pid, ws, 0);
    while (r < 0 && errno == EINTR);
    return r == pid ? 0 : -1;
}

/* The init: pid 1 of the new namespace, a clone of the supervisor that shares its memory
 * (CLONE_VM: no copy of the image, nothing to tear down at its exit) and runs only here, on
 * a stack of its own, with nothing but system calls (no lock, no allocation: the
 * supervisor's memory is its memory). It holds one descriptor: the write end of a pipe
 * whose read end the supervisor holds until it dies, so a write end with no reader
 * (POLLERR) once the parent-death signal is armed means the supervisor died before. Then
 * it sleeps: it is there so that the program is not pid 1 (which ignores the signals it
 * sends itself, abort() included) and so that killing it kills the namespace. */
static int init_alive_fd = -1;
static char init_stack[16384] __attribute__((aligned(16)));

static int init_main(void *arg)
{
    struct pollfd pf = {init_alive_fd, POLLOUT, 0};
    (void)arg;
    close_all_but(init_alive_fd);
    prctl(PR_SET_NAME, "pyverify-init", 0, 0, 0);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != 0 ||
        poll(&pf, 1, 0) < 0 || (pf.revents & (POLLERR | POLLHUP)))
        _exit(PVX_EXIT_SETUP);
    for (;;)
        pause();
}

/* After unshare(CLONE_NEWPID) the child makes an init (pid 1 of the new namespace, above)
 * and forks the program (pid 2), both its own children. The child itself stays outside as
 * a supervisor the parent watches and reaps: it holds no pipe, waits for the program, ends
 * the init (the kernel has the init wait until every process of the namespace is reaped)
 * and ends the same way as the program; wait4's rusage covers all three. Inside, no process
 * outside the namespace has a pid: kill, F_SETOWN, pidfd_open, /proc (not mounted anyway)
 * can only name the program and its init. The parent finds the program's host pid (for its
 * CPU clock) in /proc/<child>/task/<child>/children (the second child), its own
 * observation; it ends a run by killing the init (the first). One copy of the image per
 * run besides the supervisor's (issue 19: the init used to be a fork of its own, whose
 * page tables were copied and torn down every run). */
static step_result step_pid_split(const pvx_child_plan *plan)
{
    int st[2];
    pid_t init, prog;

    if (plan->flags & (PV_RUN_NO_OS_LAYER | PV_RUN_NO_NAMESPACES)) {
        pvx_send_fail(PVX_FD_CONTROL, "namespace:pid", "disabled by the caller");
        return STEP_SKIPPED;
    }
    if (!have_pidns)
        return STEP_SKIPPED; /* reported by step_namespaces */
    if (pipe2(st, O_CLOEXEC) < 0) {
        fail_errno("namespace:pid", "pipe2", errno);
        return STEP_SKIPPED;
    }
    init_alive_fd = st[1];
    init = clone(init_main, init_stack + sizeof init_stack, CLONE_VM | SIGCHLD, NULL);
    if (init < 0) {
        fail_errno("namespace:pid", "clone of the init", errno);
        close(st[0]);
        close(st[1]);
        return STEP_SKIPPED;
    }
    prog = fork();
    if (prog < 0) {
        /* no program in the namespace: nothing runs unconfined, the run fails */
        fail_errno("namespace:pid", "fork of the program", errno);
        kill(init, SIGKILL);
        _exit(PVX_EXIT_SETUP);
    }
    if (prog > 0) { /* the supervisor */
        int ws = 0, iws = 0;
        close_all_but(st[0]); /* st[1] too: the init and the program hold theirs */
        prctl(PR_SET_NAME, "pyverify-sup", 0, 0, 0);
        if (wait_for(prog, &ws) < 0) {
            kill(init, SIGKILL);
            _exit(PVX_EXIT_SETUP);
        }
        kill(init, SIGKILL);
        (void)wait_for(init, &iws);
        mirror(ws);
    }
    /* the program, pid 2. Its parent (the supervisor) is outside the namespace, and so
       would be a subreaper that took it over (getppid() reads 0 either way): once the
       parent-death signal is armed, the pipe's write end with no reader left (its own read
       end closed first, the init's closed at its start) means the supervisor died before.
       The init's own check can be misled while this process still holds st[0]; a
       supervisor killed then takes the init with its group (the template, or the host,
       kills the child's group before reaping it). */
    close(st[0]);
    {
        struct pollfd pf = {st[1], POLLOUT, 0};
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != 0 ||
            poll(&pf, 1, 0) < 0 || (pf.revents & (POLLERR | POLLHUP)))
            _exit(PVX_EXIT_SETUP);
    }
    close(st[1]);
    send_layer("namespace:pid");
    return STEP_OK;
}

/* ---- 4. no_new_privs and seccomp ---------------------------------------------------- */

static step_result step_no_new_privs(const pvx_child_plan *plan)
{
    if (plan->flags & (PV_RUN_NO_OS_LAYER | PV_RUN_NO_SECCOMP)) {
        pvx_send_fail(PVX_FD_CONTROL, "no_new_privs", "disabled by the caller");
        return STEP_SKIPPED;
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        fail_errno("no_new_privs", "prctl(PR_SET_NO_NEW_PRIVS)", errno);
        return STEP_SKIPPED;
    }
    send_layer("no_new_privs");
    return STEP_OK;
}

/* Landlock (where the kernel has it): a ruleset that handles every file-system right and
 * grants none, so that no path can be opened, created or listed, whatever seccomp allows;
 * from ABI 6, also scoped: no signal to, and no abstract unix socket of, any process
 * outside the child's domain. The system header may predate the later fields. */
struct pvx_landlock_attr {
    uint64_t handled_access_fs, handled_access_net, scoped;
};

/* In the template's shared network namespace (a namespaced run of a template's child),
 * Landlock's abstract-socket scope and seccomp (no socket at all) are what keep the runs
 * apart, so a child that could not apply them ends before it runs anything. */
static step_result shared_net_unscoped(const pvx_child_plan *plan)
{
    if (plan->net_shared && !(plan->flags & (PV_RUN_NO_OS_LAYER | PV_RUN_NO_NAMESPACES))) {
        pvx_send_fail(PVX_FD_CONTROL, "namespace:net",
                      "the template's shared network namespace needs Landlock's scopes "
                      "(ABI 6) and seccomp: the run ends here");
        _exit(PVX_EXIT_SETUP);
    }
    return STEP_SKIPPED;
}

static step_result step_landlock(const pvx_child_plan *plan)
{
    struct pvx_landlock_attr attr;
    size_t size = sizeof attr.handled_access_fs;
    long abi;
    int fd;

    if (plan->flags & PV_RUN_NO_OS_LAYER) {
        pvx_send_fail(PVX_FD_CONTROL, "fs:landlock", "disabled by the caller");
        return STEP_SKIPPED;
    }
    abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    if (abi < 1) {
        fail_errno("fs:landlock", "landlock_create_ruleset", errno);
        return shared_net_unscoped(plan);
    }
    memset(&attr, 0, sizeof attr);
    attr.handled_access_fs = (1ull << 13) - 1; /* ABI 1: EXECUTE ... MAKE_SYM */
    if (abi >= 2)
        attr.handled_access_fs |= 1ull << 13; /* REFER */
    if (abi >= 3)
        attr.handled_access_fs |= 1ull << 14; /* TRUNCATE */
    if (abi >= 5)
        attr.handled_access_fs |= 1ull << 15; /* IOCTL_DEV */
    if (abi >= 4) {
        /* no TCP bind or connect either (seccomp already allows no socket at all) */
        attr.handled_access_net = (1ull << 0) | (1ull << 1); /* BIND_TCP, CONNECT_TCP */
        size = offsetof(struct pvx_landlock_attr, scoped);
    }
    if (abi >= 6) {
        attr.scoped = (1ull << 0) | (1ull << 1); /* ABSTRACT_UNIX_SOCKET, SIGNAL */
        size = sizeof attr;
    }
    fd = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0u);
    if (fd < 0) {
        fail_errno("fs:landlock", "landlock_create_ruleset", errno);
        return shared_net_unscoped(plan);
    }
    /* without no_new_privs this needs CAP_SYS_ADMIN in the (new) user namespace */
    if (syscall(SYS_landlock_restrict_self, fd, 0u) < 0) {
        fail_errno("fs:landlock", "landlock_restrict_self", errno);
        close(fd);
        return shared_net_unscoped(plan);
    }
    close(fd);
    send_layer("fs:landlock");
    if (abi >= 6)
        send_layer("signals:landlock");
    else {
        pvx_send_fail(PVX_FD_CONTROL, "signals:landlock", "Landlock ABI below 6");
        return shared_net_unscoped(plan);
    }
    return STEP_OK;
}

/* A second filter that only knows the child's pid: kill/tkill/tgkill aimed at any other
 * process (the parent, the group, -1) kill the child. The main filter, built before fork,
 * cannot know the pid. Seccomp applies the most restrictive verdict of all filters. */
static int install_pid_guard(void)
{
    uint32_t self = (uint32_t)getpid();
    struct sock_filter insns[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_kill, 3, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_tkill, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_tgkill, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        /* low 32 bits of the first argument (little-endian): the kernel reads a pid_t */
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, self, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    };
    struct sock_fprog prog = {(unsigned short)(sizeof insns / sizeof insns[0]), insns};
    return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* The pid guard and the main filter as one program (one attach instead of two: each costs
 * the kernel a JIT compilation and an emulation of the filter for every syscall number):
 * the guard's "allow" falls through to the main filter, its "kill" kills, so the verdict is
 * the more restrictive of the two, as with two filters. Static: this runs after fork. */
static struct sock_filter joined[BPF_MAXINSNS];

static const struct sock_fprog *join_pid_guard(const struct sock_fprog *main_prog)
{
    static struct sock_fprog out;
    uint32_t self = (uint32_t)getpid();
    const struct sock_filter guard[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_kill, 3, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_tkill, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_tgkill, 1, 0),
        BPF_STMT(BPF_JMP | BPF_JA, 3), /* to the main filter */
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, self, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    };
    const size_t ng = sizeof guard / sizeof guard[0];
    if ((size_t)main_prog->len + ng > BPF_MAXINSNS)
        return NULL;
    memcpy(joined, guard, sizeof guard);
    memcpy(joined + ng, main_prog->filter, (size_t)main_prog->len * sizeof joined[0]);
    out.len = (unsigned short)(ng + main_prog->len);
    out.filter = joined;
    return &out;
}

/* Set once the main filter is attached: the lock step (below) must then follow. */
static bool g_seccomp_on;

static step_result step_seccomp(const pvx_child_plan *plan)
{
    const struct sock_fprog *one;
    if (plan->flags & (PV_RUN_NO_OS_LAYER | PV_RUN_NO_SECCOMP)) {
        pvx_send_fail(PVX_FD_CONTROL, "seccomp", "disabled by the caller");
        return shared_net_unscoped(plan);
    }
    if (!plan->bpf) {
        pvx_send_fail(PVX_FD_CONTROL, "seccomp", plan->bpf_missing);
        return shared_net_unscoped(plan);
    }
    one = join_pid_guard(plan->bpf);
    if (one) {
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, one) < 0) {
            fail_errno("seccomp", "seccomp(SECCOMP_SET_MODE_FILTER)", errno);
            return shared_net_unscoped(plan);
        }
        g_seccomp_on = true;
        send_layer("seccomp");
        return STEP_OK;
    }
    /* the pid guard first: once the main filter is in, seccomp(2) itself is forbidden */
    if (install_pid_guard() < 0) {
        fail_errno("seccomp", "seccomp(SECCOMP_SET_MODE_FILTER) for the pid guard", errno);
        return shared_net_unscoped(plan);
    }
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, plan->bpf) < 0) {
        fail_errno("seccomp", "seccomp(SECCOMP_SET_MODE_FILTER)", errno);
        /* the pid guard alone allows socket(2): not enough in the shared namespace */
        return shared_net_unscoped(plan);
    }
    g_seccomp_on = true;
    send_layer("seccomp");
    return STEP_OK;
}

/* The second filter, attached once the child has set its limits and before the program
 * runs: it kills the calls the main filter allows only for the child's own set-up after its
 * request (seccomp_filter.c, ACT_UNTIL_RUN), so that the main filter, whose attach is the
 * costly one (the kernel compiles it and emulates it for every syscall number), is
 * attached before the request. Seccomp takes the most restrictive verdict of all filters:
 * after this, the child's calls are exactly those the main table allows for the run. */
static step_result step_seccomp_lock(const pvx_child_plan *plan)
{
    /* by number, each where the architecture has it: asm-generic (arm64, riscv64) has no
       dup2 (libc's dup2 is dup3 there), so a fixed list would not compile */
    static const uint32_t nrs[] = {
        __NR_prlimit64,
#ifdef __NR_setrlimit
        __NR_setrlimit,
#endif
        __NR_memfd_create,
#ifdef __NR_dup2
        __NR_dup2,
#endif
        __NR_dup3,
        __NR_seccomp,
    };
#ifdef PVX_AUDIT_ARCH
    enum { A = 3 };
#else
    enum { A = 0 };
#endif
    enum { N = sizeof nrs / sizeof nrs[0] };
    struct sock_filter insns[A + N + 3];
#ifdef PVX_AUDIT_ARCH
    /* the numbers are this architecture's: any other (a compat ABI) is killed here too,
       not only by the main filter */
    insns[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                            offsetof(struct seccomp_data, arch));
    insns[1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PVX_AUDIT_ARCH, 1, 0);
    insns[2] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
#endif
    insns[A] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                            offsetof(struct seccomp_data, nr));
    for (size_t i = 0; i < N; i++) /* a match jumps to the last instruction: kill */
        insns[A + 1 + i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nrs[i],
                                                        (unsigned char)(N - i), 0);
    insns[A + N + 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    insns[A + N + 2] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
    struct sock_fprog prog = {(unsigned short)(sizeof insns / sizeof insns[0]), insns};
    (void)plan;
    if (!g_seccomp_on)
        return STEP_SKIPPED; /* no main filter: nothing to lock (reported by its step) */
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
        /* the main filter's set-up calls would stay open to the program: it does not run */
        fail_errno("seccomp", "seccomp(SECCOMP_SET_MODE_FILTER) of the second filter", errno);
        _exit(PVX_EXIT_SETUP);
    }
    return STEP_OK;
}

/* ---- the table -------------------------------------------------------------------------- */

typedef struct child_step {
    const char *name;
    step_result (*apply)(const pvx_child_plan *plan);
    bool mandatory; /* failure ends the child before the program runs */
    int phase;      /* 0: needs nothing of the program; 1: needs its limits */
} child_step;

/* Phase 0 can run before the program is known (a warm child of pv_runner waits between
 * the phases); phase 1 applies the run's limits and locks the child down. */
static const child_step steps[] = {
    {"descriptors", step_descriptors, true, 0}, /* first: later steps report on fd 3 */
    {"session", step_session, true, 0},
    {"environment", step_environment, true, 0},
    {"workdir", step_workdir, false, 0},
    {"unprivileged", step_privileges, true, 0},
    {"namespaces", step_namespaces, false, 0},
    {"fs:pivot_root", step_filesystem, true, 0}, /* fatal only once the old root is half gone */
    {"parent_death", step_parent_death, true, 0},
    {"namespace:pid", step_pid_split, false, 0}, /* it forks: what follows is the program's */
    /* need nothing of the program either: a warm child applies them before its request
       (issue 19: off the request's path); it opens no path after them (its root is empty) */
    {"no_new_privs", step_no_new_privs, false, 0},
    {"fs:landlock", step_landlock, false, 0},
    {"seccomp", step_seccomp, false, 0},
    {"rlimits", step_rlimits, true, 1},
    {"seccomp:lock", step_seccomp_lock, true, 1}, /* fatal itself where it matters */
};

/* Signals: default actions for the ones that classify a run; Python's SIG_IGN for SIGPIPE
 * and SIGXFSZ (writes then fail with EPIPE/EFBIG instead of killing). Nothing blocked. */
static void reset_signals(void)
{
    static const int dfl[] = {SIGXCPU, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS,
                              SIGALRM, SIGTERM, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2};
    sigset_t none;
    for (size_t i = 0; i < sizeof dfl / sizeof dfl[0]; i++)
        signal(dfl[i], SIG_DFL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

int pvx_child_os_phase(const pvx_child_plan *plan, int phase)
{
    if (phase == 0)
        reset_signals();
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        step_result r;
        if (steps[i].phase != phase)
            continue;
        r = steps[i].apply(plan);
        if (r == STEP_FATAL && steps[i].mandatory)
            _exit(PVX_EXIT_SETUP);
    }
    return 0;
}

int pvx_child_os_steps(const pvx_child_plan *plan)
{
    pvx_child_os_phase(plan, 0);
    return pvx_child_os_phase(plan, 1);
}
