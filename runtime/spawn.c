/*
 * spawn.c: forking a sandboxed child (pipes, stdin, directory, per-run uid) and ending it.
 *
 * The fork plumbing that pv_run (run.c), pv_runner (runner.c), batches (batch.c), sessions
 * (session.c) and the template (template.c) share. The child's life after fork is below
 * this file: sandbox.c and pylayer.c for a cold child, warm_child.c and batch_child.c for a
 * warm one, or the plan's own child_main (session.c).
 */
#include "internal.h"
#include "runtime.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void pvx_close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

/* Remove the private directory and whatever a program without seccomp left in it. */
static void remove_tree_at(int dir_fd, const char *name, int depth)
{
    int fd;
    DIR *d;
    struct dirent *e;

    if (unlinkat(dir_fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
        return;
    if (unlinkat(dir_fd, name, 0) == 0 || depth > 16)
        return;
    fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return;
    d = fdopendir(fd);
    if (!d) {
        close(fd);
        return;
    }
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        remove_tree_at(dirfd(d), e->d_name, depth + 1);
    }
    closedir(d);
    unlinkat(dir_fd, name, AT_REMOVEDIR);
}

/* The run's private directory, if it is still the one made for it: a child in its own
 * mount namespace removes it itself (sandbox.c, fs:pivot_root), and a directory of that
 * name now may be another run's. */
static void remove_workdir(const char *path, dev_t dev, ino_t ino)
{
    struct stat st;
    if (fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode) ||
        st.st_dev != dev || st.st_ino != ino)
        return;
    remove_tree_at(AT_FDCWD, path, 0);
}

/* The first two children of `pid` as the kernel lists them (in the order they were
 * made), 0 where there is none. */
static void first_children(pid_t pid, pid_t *first, pid_t *second)
{
    char path[64], buf[64], *end;
    ssize_t n;
    int fd;
    *first = *second = 0;
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return;
    buf[n] = '\0';
    *first = (pid_t)strtol(buf, &end, 10);
    *second = (pid_t)strtol(end, NULL, 10);
}

/* The first child of `pid` (with a pid namespace: its init), or 0. */
static pid_t first_child(pid_t pid)
{
    pid_t first, second;
    first_children(pid, &first, &second);
    return first;
}

/* The program of a child with a pid namespace is its second child (sandbox.c: the init
 * first, then the program, both the supervisor's own children); without one, the child. */
pid_t pvx_program_pid(pid_t child)
{
    pid_t first, second;
    first_children(child, &first, &second);
    return first > 0 && second > 0 ? second : child;
}

static void kill_group(pid_t pid)
{
    kill(-pid, SIGKILL); /* the child's own group once it called setsid */
    kill(pid, SIGKILL);  /* in case it had not yet */
}

/* SIGKILL to the init of `child`'s pid namespace (its first child), through a pidfd taken
 * while the same pid is still listed as that child's: a pid read from /proc may be reused
 * once its process is reaped, a pidfd names one process. False when there is none (no pid
 * namespace, or not yet split, or already ended). */
static bool kill_init(pid_t child)
{
    pid_t init = first_child(child);
    int fd;
    bool done;
    if (init <= 0)
        return false;
    fd = (int)syscall(SYS_pidfd_open, init, 0);
    if (fd < 0)
        return false;
    done = first_child(child) == init &&
           syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0u) == 0;
    close(fd);
    return done;
}

/* End the run. With a pid namespace, SIGKILL to its init (the child's first child): the
 * kernel kills everything inside, the supervisor reaps the program and the init, then ends
 * as the program did and is reaped here; killing the whole group at once would orphan the
 * init and the program (zombies for the host's init to reap). Without one, the child's
 * group. */
void pvx_end_run(pid_t pid)
{
    if (!kill_init(pid))
        kill_group(pid);
}

/* A template's child is not ours to reap: its pid may be reused as soon as the template
 * reaped it, so it is signalled through its pidfd, after its init; nothing of the run goes
 * on once the call returns (its init and program, orphaned, are the template's to reap:
 * it is their subreaper); the template kills the child's group before it reaps it. */
void pvx_end_remote_run(pid_t pid, int pidfd)
{
    (void)kill_init(pid);
    if (pidfd >= 0)
        syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0u);
}

/* stdin for the child: a memfd holding the data, or /dev/null. */
static int make_stdin(const pv_run_opts *o)
{
    int fd;
    size_t off = 0;
    if (!o->stdin_data)
        return open("/dev/null", O_RDONLY | O_CLOEXEC);
    fd = memfd_create("pyverify-stdin", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    while (off < o->stdin_len) {
        ssize_t w = write(fd, o->stdin_data + off, o->stdin_len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            return -1;
        }
        off += (size_t)w;
    }
    if (lseek(fd, 0, SEEK_SET) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* What the child inherits from this process, from /proc/self/statm: the mapped address
 * space and the data+stack part, in bytes; 0 when unknown. */
static void inherited_sizes(size_t *vm, size_t *data)
{
    char buf[160];
    unsigned long f[7] = {0};
    char *p = buf, *end;
    ssize_t n;
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    *vm = *data = 0;
    if (fd < 0)
        return;
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return;
    buf[n] = '\0';
    for (int i = 0; i < 7; i++, p = end) {
        f[i] = strtoul(p, &end, 10);
        if (end == p)
            return;
    }
    *vm = (size_t)f[0] * (size_t)sysconf(_SC_PAGESIZE);
    *data = (size_t)f[5] * (size_t)sysconf(_SC_PAGESIZE);
}

static void flush_host_streams(void)
{
    static const char *const names[] = {"stdout", "stderr"};
    for (size_t i = 0; i < 2; i++) {
        PyObject *s = PySys_GetObject(names[i]);
        PyObject *r = s && s != Py_None ? PyObject_CallMethod(s, "flush", NULL) : NULL;
        Py_XDECREF(r);
        PyErr_Clear();
    }
    fflush(NULL);
}

/* Pipes, stdin, the private directory, then fork. With the GIL held. The child applies
 * every OS step and runs `py`; a warm child (pv_runner) applies phase 0 and waits for its
 * program on the request pipe (runner.c). On failure everything is undone. */
/* Per-run uids for the children this process forks itself (pv_run, a runner without a
 * template, the service's workers), as root: the 16 uids at PV_RUNNER_UID_BASE + 16 x (pid
 * mod 2^22), as a template takes its own (template.c): live processes have distinct pids,
 * so their blocks differ; within the block a slot stays taken until its run is collected. */
#define PVX_UID_SLOTS 16u
static _Atomic unsigned uid_slots_used;
static _Atomic unsigned uid_slot_next;

static int take_uid_slot(void)
{
    unsigned start = atomic_fetch_add(&uid_slot_next, 1u);
    for (unsigned k = 0; k < PVX_UID_SLOTS; k++) {
        unsigned i = (start + k) % PVX_UID_SLOTS, bit = 1u << i;
        if (!(atomic_fetch_or(&uid_slots_used, bit) & bit))
            return (int)i;
    }
    return -1; /* 16 runs of this process alive at once: this one shares 65534 */
}

static void release_uid_slot(pvx_spawn *s)
{
    if (s->uid_slot1 > 0)
        atomic_fetch_and(&uid_slots_used, ~(1u << (s->uid_slot1 - 1)));
    s->uid_slot1 = 0;
}

int pvx_spawn_child(pvx_spawn *s, pvx_py_plan *py, const pv_run_opts *o, bool warm)
{
    int slot = -1, rc;
    unsigned long uid = 0;
    if (geteuid() == 0 && !(o->flags & PV_RUN_NO_OS_LAYER) && (slot = take_uid_slot()) >= 0)
        uid = PV_RUNNER_UID_BASE +
              ((unsigned long)getpid() % (PV_RUNNER_UID_COUNT / PVX_UID_SLOTS)) * PVX_UID_SLOTS +
              (unsigned long)slot;
    rc = pvx_spawn_child_uid(s, py, o, warm, uid);
    if (rc < 0 && slot >= 0)
        atomic_fetch_and(&uid_slots_used, ~(1u << slot));
    else if (slot >= 0)
        s->uid_slot1 = slot + 1;
    return rc;
}

static bool g_sub_userns;
static const char *g_uid_why;

void pvx_spawn_set_subid(bool in_userns, const char *why)
{
    g_sub_userns = in_userns;
    g_uid_why = why;
}

static bool g_net_shared;
static bool g_streams_quiet;

void pvx_spawn_set_streams_quiet(void)
{
    flush_host_streams();
    g_streams_quiet = true;
}

void pvx_spawn_set_net_shared(bool shared)
{
    g_net_shared = shared;
}

int pvx_spawn_child_uid(pvx_spawn *s, pvx_py_plan *py, const pv_run_opts *o, bool warm,
                        unsigned long run_uid)
{
    uid_t uid = run_uid ? (uid_t)run_uid : 65534;
    pvx_child_plan plan;
    int pout[2] = {-1, -1}, perr[2] = {-1, -1}, pctl[2] = {-1, -1}, preq[2] = {-1, -1};
    int stdin_fd = -1, rc;
    pid_t pid;

    memset(s, 0, sizeof *s);
    s->out = s->err = s->ctl = s->req = -1;
    memset(&plan, 0, sizeof plan);
    if (!(o->flags & (PV_RUN_NO_OS_LAYER | PV_RUN_NO_SECCOMP)))
        plan.bpf = pvx_seccomp_program(&plan.bpf_missing);
    snprintf(s->workdir, sizeof s->workdir, "%s", "/tmp/pyverify-run-XXXXXX");
    stdin_fd = warm ? open("/dev/null", O_RDONLY | O_CLOEXEC) : make_stdin(o);
    if (stdin_fd < 0 || pipe2(pout, O_CLOEXEC) < 0 || pipe2(perr, O_CLOEXEC) < 0 ||
        pipe2(pctl, O_CLOEXEC) < 0 ||
        ((warm || o->n_host_functions > 0) &&
         socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, preq) < 0) ||
        !mkdtemp(s->workdir)) {
        rc = pv_fail(PV_ERR_RUNTIME, "pv_run: cannot prepare the child: %s", strerror(errno));
        goto fail;
    }
    s->have_workdir = true;
    {
        struct stat st;
        if (stat(s->workdir, &st) < 0) {
            rc = pv_fail(PV_ERR_RUNTIME, "pv_run: stat of the private directory: %s",
                         strerror(errno));
            goto fail;
        }
        s->workdir_dev = st.st_dev;
        s->workdir_ino = st.st_ino;
    }
    /* root drops to nobody in the child: give it its own directory, where RLIMIT_FSIZE (0)
       is what stops writes when seccomp is off */
    if (geteuid() == 0 && chown(s->workdir, uid, uid) < 0) {
        rc = pv_fail(PV_ERR_RUNTIME, "pv_run: chown of the private directory: %s",
                     strerror(errno));
        goto fail;
    }
    plan.flags = o->flags;
    plan.stdin_fd = stdin_fd;
    plan.stdout_fd = pout[1];
    plan.stderr_fd = perr[1];
    plan.control_fd = pctl[1];
    plan.request_fd = preq[0]; /* a warm child's requests, host-call replies; or -1 */
    plan.workdir = s->workdir;
    plan.cpu_s = o->cpu_s;
    plan.memory_mb = o->memory_mb;
    inherited_sizes(&plan.inherited_vm, &plan.inherited_data);
    plan.output_kb = o->output_kb;
    plan.parent = getpid();
    plan.run_uid = run_uid;
    plan.sub_userns = g_sub_userns;
    plan.uid_why = g_uid_why;
    plan.net_shared = g_net_shared;

    if (!g_streams_quiet)
        flush_host_streams();
    PyOS_BeforeFork();
    pid = fork();
    if (pid == 0) {
        PyOS_AfterFork_Child();
        if (warm && py->batch)
            pvx_batch_child(&plan, py);
        if (warm)
            (py->child_main ? py->child_main : pvx_warm_child)(&plan, py);
        pvx_child_os_steps(&plan);
        pvx_py_child_run(py);
    }
    PyOS_AfterFork_Parent();
    if (pid < 0) {
        rc = pv_fail(PV_ERR_RUNTIME, "pv_run: fork: %s", strerror(errno));
        goto fail;
    }
    s->pid = pid;
    s->out = pout[0];
    s->err = perr[0];
    s->ctl = pctl[0];
    s->req = preq[1];
    pvx_close_fd(&pout[1]);
    pvx_close_fd(&perr[1]);
    pvx_close_fd(&pctl[1]);
    pvx_close_fd(&preq[0]);
    pvx_close_fd(&stdin_fd);
    return 0;
fail:
    pvx_close_fd(&pout[0]);
    pvx_close_fd(&pout[1]);
    pvx_close_fd(&perr[0]);
    pvx_close_fd(&perr[1]);
    pvx_close_fd(&pctl[0]);
    pvx_close_fd(&pctl[1]);
    pvx_close_fd(&preq[0]);
    pvx_close_fd(&preq[1]);
    pvx_close_fd(&stdin_fd);
    if (s->have_workdir)
        remove_workdir(s->workdir, s->workdir_dev, s->workdir_ino);
    s->have_workdir = false;
    return rc;
}

void pvx_spawn_abort(pvx_spawn *s)
{
    release_uid_slot(s);
    if (s->remote) {
        /* the template reaps it and removes its directory */
        if (s->pid > 0)
            pvx_end_remote_run(s->pid, s->pidfd);
        s->pid = 0;
        pvx_close_fd(&s->pidfd);
        pvx_close_fd(&s->status_fd);
        s->remote = false;
    }
    if (s->pid > 0) {
        /* the init first (see end_run); the group only if the supervisor lingers */
        pvx_end_run(s->pid);
        for (int i = 0; i < 100; i++) {
            pid_t r = waitpid(s->pid, NULL, WNOHANG);
            if (r == s->pid || (r < 0 && errno != EINTR)) {
                s->pid = 0;
                break;
            }
            nanosleep(&(struct timespec){0, 2000000}, NULL);
        }
    }
    if (s->pid > 0) {
        kill_group(s->pid);
        while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
            ;
        s->pid = 0;
    }
    pvx_close_fd(&s->out);
    pvx_close_fd(&s->err);
    pvx_close_fd(&s->ctl);
    pvx_close_fd(&s->req);
    if (s->have_workdir)
        remove_workdir(s->workdir, s->workdir_dev, s->workdir_ino);
    s->have_workdir = false;
}
