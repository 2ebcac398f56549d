/*
 * template.c: the clean template of a library runner (runtime/README.md, "The process tree").
 *
 * A host that links the library holds its own secrets, and a runner's host holds every
 * request it ran: a child forked from it carries them. So a runner asks a template
 * instead, a process that never held either: `pyverify-template`, exec'd fresh by the
 * host (empty environment, no argument, only its two descriptors), which starts its own
 * interpreter, rebuilds the host's policy from the host's validated tables (marshalled: the
 * very tables the host verifies with), imports the policy's modules and any preload,
 * prepares the builtins and proxies, compiles the seccomp filter, freezes its heap, and
 * then only forks warm children, one per request of the host:
 *
 *   host  --'S'-->  template  fork: warm child (phase 0 of sandbox.c, waits on fd 4)
 *   host  <--'C' pid + [stdout, stderr, control, request, pidfd, status] (SCM_RIGHTS)--
 *
 * The host keeps reading the child's pipes, writes the program straight into its request
 * socket (the template never sees a request), enforces the wall clock, the CPU limit and
 * the caps, and kills through the pidfd. The template is the child's parent: it kills the
 * child's group, reaps it and writes the wait status and rusage on the child's status pipe
 * (its own observation; the child never holds that pipe), then removes its directory.
 * When the host closes the channel (or dies) the template kills its children and exits.
 *
 * As root, each child drops to its own uid from the configured range, distinct among the
 * template's live children (rotating, so that a uid is not reused at once). Not root, the
 * template first becomes root of a user namespace where a block of its user's subordinate
 * ids is mapped (subid.c), and its children drop the same way to ids 1 .. 16 of it.
 */
#include "internal.h"
#include "template.h"
#include "subid.h"

#include <marshal.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PVT_MAGIC 0x31545650u /* "PVT1" */
#define PVT_FD_CHANNEL 3
#define PVT_FD_SETUP 4
#define PVT_MAX_SETUP (64u * 1024u * 1024u)
#define PVT_MAX_CHILDREN 256
#define PVT_NFDS 6
#define PVT_START_TIMEOUT_MS 120000
#define PVT_REPLY_TIMEOUT_MS 30000

#ifndef PV_TEMPLATE_INSTALL_PATH
#define PV_TEMPLATE_INSTALL_PATH ""
#endif
#ifndef PV_TEMPLATE_BUILD_PATH
#define PV_TEMPLATE_BUILD_PATH ""
#endif

typedef struct pvt_setup {
    uint32_t magic;
    uint32_t flags;
    uint64_t uid_base, uid_count;
    uint64_t policy_len, origin_len, preload_len;
} pvt_setup;

/* One message on the channel (SOCK_SEQPACKET): 'R' ready, 'E' error (text), 'C' a child
 * (pid, PVT_NFDS descriptors). */
typedef struct pvt_msg {
    char op;
    int32_t pid;
    char text[480];
} pvt_msg;

/* 'K': a child of another kind than a runner's (template_kind.c): a session's or a batch's,
 * with the few limits its life needs before its first request. */
typedef struct pvt_kind_req {
    char op; /* 'K' */
    uint8_t kind; /* PVX_TEMPLATE_SESSION or PVX_TEMPLATE_BATCH */
    double cpu_s, idle_s;
    uint64_t memory_mb, output_kb;
} pvt_kind_req;

struct pvx_template {
    pid_t pid;
    int sock;
    int pending; /* children asked for and not yet taken */
};

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

static unsigned long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long)ts.tv_sec * 1000ul + (unsigned long)ts.tv_nsec / 1000000ul;
}

/* ---- the host's side ------------------------------------------------------------------ */

/* The helper to exec: the explicit path, else $PYVERIFY_TEMPLATE (each alone: a wrong one
 * is an error, not a reason to look elsewhere), else the install path, else the build
 * tree (tests, benchmarks and examples run from it). */
static const char *locate(const char *path, const char **why)
{
    const char *env = secure_getenv("PYVERIFY_TEMPLATE");
    const char *const fallback[] = {PV_TEMPLATE_INSTALL_PATH, PV_TEMPLATE_BUILD_PATH};
    if (path || (env && *env)) {
        const char *p = path ? path : env;
        if (access(p, X_OK) == 0)
            return p;
        *why = path ? "the template_path given is not an executable file"
                    : "$PYVERIFY_TEMPLATE is not an executable file";
        return NULL;
    }
    for (size_t i = 0; i < sizeof fallback / sizeof fallback[0]; i++)
        if (fallback[i][0] && access(fallback[i], X_OK) == 0)
            return fallback[i];
    *why = "pyverify-template was not found (neither $PYVERIFY_TEMPLATE, nor "
           PV_TEMPLATE_INSTALL_PATH ")";
    return NULL;
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* One message, waiting at most `ms`; the descriptors it carries go to fds (count in *nfds).
 * 0, or -1 (EOF: errno EPIPE; timeout: ETIMEDOUT). */
static int recv_msg(int sock, pvt_msg *m, int *fds, int *nfds, int ms)
{
    union {
        char buf[CMSG_SPACE(sizeof(int) * PVT_NFDS)];
        struct cmsghdr align;
    } u;
    struct iovec iov = {m, sizeof *m};
    struct msghdr mh;
    struct cmsghdr *c;
    struct pollfd pf = {sock, POLLIN, 0};
    unsigned long until = mono_ms() + (unsigned long)ms;
    ssize_t n;

    *nfds = 0;
    for (;;) {
        unsigned long now = mono_ms();
        int rc;
        if (now >= until) {
            errno = ETIMEDOUT;
            return -1;
        }
        rc = poll(&pf, 1, (int)(until - now));
        if (rc > 0)
            break;
        if (rc < 0 && errno != EINTR)
            return -1;
    }
    memset(&mh, 0, sizeof mh);
    memset(m, 0, sizeof *m);
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = u.buf;
    mh.msg_controllen = sizeof u.buf;
    do
        n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            for (int i = 0; i < k; i++) {
                int fd;
                memcpy(&fd, CMSG_DATA(c) + (size_t)i * sizeof(int), sizeof fd);
                if (*nfds < PVT_NFDS)
                    fds[(*nfds)++] = fd;
                else
                    close(fd);
            }
        }
    }
    if (n <= 0) {
        for (int i = 0; i < *nfds; i++)
            close(fds[i]);
        *nfds = 0;
        if (n == 0)
            errno = EPIPE;
        return -1;
    }
    m->text[sizeof m->text - 1] = '\0';
    return 0;
}

static void reap_template(pid_t pid)
{
    for (int i = 0; i < 200; i++) {
        pid_t r = waitpid(pid, NULL, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return;
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

void pvx_template_stop(pvx_template *t)
{
    if (!t)
        return;
    close_fd(&t->sock); /* the template kills and reaps its children, then exits */
    if (t->pid > 0)
        reap_template(t->pid);
    free(t);
}

bool pvx_template_alive(const pvx_template *t)
{
    struct pollfd pf = {t->sock, 0, 0};
    /* POLLHUP: the template's end is closed (it exited); a pending reply is POLLIN only */
    return t->sock >= 0 && poll(&pf, 1, 0) >= 0 && !(pf.revents & (POLLHUP | POLLERR | POLLNVAL));
}

void pvx_template_close_inherited(pvx_template *t)
{
    if (!t)
        return;
    close_fd(&t->sock);
    t->pid = 0;
    t->pending = 0;
}

/* The set-up, in a memfd: header, the policy's tables (marshalled), origin, preload. */
static int setup_memfd(const pv_policy *policy, unsigned flags, const char *preload,
                       unsigned long uid_base, unsigned long uid_count)
{
    PyObject *bytes = PyMarshal_WriteObjectToString(policy->loaded, Py_MARSHAL_VERSION);
    char *data;
    Py_ssize_t len;
    pvt_setup h;
    int fd = -1;

    if (!bytes || PyBytes_AsStringAndSize(bytes, &data, &len) < 0) {
        Py_XDECREF(bytes);
        PyErr_Clear();
        errno = EINVAL;
        return -1;
    }
    memset(&h, 0, sizeof h);
    h.magic = PVT_MAGIC;
    h.flags = flags;
    h.uid_base = uid_base;
    h.uid_count = uid_count;
    h.policy_len = (uint64_t)len;
    h.origin_len = strlen(policy->origin);
    h.preload_len = preload ? strlen(preload) : 0;
    fd = memfd_create("pyverify-template-setup", MFD_CLOEXEC);
    if (fd < 0 || write_all(fd, &h, sizeof h) < 0 || write_all(fd, data, (size_t)len) < 0 ||
        write_all(fd, policy->origin, (size_t)h.origin_len) < 0 ||
        (preload && write_all(fd, preload, (size_t)h.preload_len) < 0) ||
        lseek(fd, 0, SEEK_SET) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        Py_DECREF(bytes);
        errno = e;
        return -1;
    }
    Py_DECREF(bytes);
    return fd;
}

int pvx_template_start(pvx_template **out, const pv_policy *policy, unsigned flags,
                       const char *path, const char *const *argv, const char *preload,
                       unsigned long uid_base, unsigned long uid_count)
{
    static const char *const default_argv[] = {"pyverify-template", NULL};
    const char *why = NULL, *exe = locate(path, &why);
    int sv[2] = {-1, -1}, setup = -1, devnull = -1, nfds, fds[PVT_NFDS];
    pvx_template *t;
    pvt_msg m;
    pid_t pid;

    *out = NULL;
    if (!exe)
        return pv_fail(PV_ERR_RUNTIME, "template: %s", why);
    t = calloc(1, sizeof *t);
    if (!t)
        return pv_fail(PV_ERR_NOMEM, "template: out of memory");
    t->sock = -1;
    setup = setup_memfd(policy, flags, preload, uid_base, uid_count);
    devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (setup < 0 || devnull < 0 ||
        socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        int rc = pv_fail(PV_ERR_RUNTIME, "template: cannot prepare its set-up: %s",
                         strerror(errno));
        close_fd(&setup);
        close_fd(&devnull);
        free(t);
        return rc;
    }
    pid = fork();
    if (pid == 0) {
        /* only async-signal-safe calls until exec: this is a copy of the host */
        char *const envp[] = {NULL};
        int src[3] = {devnull, sv[1], setup}, dst[3] = {0, PVT_FD_CHANNEL, PVT_FD_SETUP};
        int tmp[3];
        for (int i = 0; i < 3; i++)
            if ((tmp[i] = fcntl(src[i], F_DUPFD_CLOEXEC, 10)) < 0)
                _exit(127);
        for (int i = 0; i < 3; i++)
            if (dup2(tmp[i], dst[i]) < 0)
                _exit(127);
        if (syscall(SYS_close_range, 5u, ~0u, 0u) < 0)
            for (int fd = 5; fd < 65536; fd++)
                close(fd);
        execve(exe, (char *const *)(argv ? argv : default_argv), envp);
        _exit(127);
    }
    close_fd(&setup);
    close_fd(&devnull);
    close_fd(&sv[1]);
    if (pid < 0) {
        int rc = pv_fail(PV_ERR_RUNTIME, "template: fork: %s", strerror(errno));
        close_fd(&sv[0]);
        free(t);
        return rc;
    }
    t->pid = pid;
    t->sock = sv[0];
    {
        int got;
        Py_BEGIN_ALLOW_THREADS /* the template starts its interpreter: let others run */
        got = recv_msg(t->sock, &m, fds, &nfds, PVT_START_TIMEOUT_MS);
        Py_END_ALLOW_THREADS
        if (got < 0)
            m.op = 0;
    }
    if (m.op != 'R') {
        int rc = pv_fail(PV_ERR_RUNTIME, "template: %s did not start: %s", exe,
                         m.op == 'E' ? m.text : errno == EPIPE ? "it exited" : strerror(errno));
        for (int i = 0; i < nfds; i++)
            close(fds[i]);
        pvx_template_stop(t);
        return rc;
    }
    *out = t;
    return 0;
}

int pvx_template_request(pvx_template *t)
{
    char op = 'S';
    ssize_t w;
    do
        w = send(t->sock, &op, 1, MSG_NOSIGNAL);
    while (w < 0 && errno == EINTR);
    if (w != 1)
        return pv_fail(PV_ERR_RUNTIME, "template: it is gone (%s)", strerror(errno));
    t->pending++;
    return 0;
}

static int receive_child(pvx_template *t, pvx_spawn *s);

int pvx_template_take(pvx_template *t, pvx_spawn *s)
{
    int rc;

    memset(s, 0, sizeof *s);
    s->out = s->err = s->ctl = s->req = s->pidfd = s->status_fd = -1;
    if (t->pending == 0 && (rc = pvx_template_request(t)) < 0)
        return rc;
    return receive_child(t, s);
}

int pvx_template_take_kind(pvx_template *t, pvx_spawn *s, int kind, const pv_run_opts *o,
                           double idle_s)
{
    pvt_kind_req k;
    ssize_t w;

    memset(s, 0, sizeof *s);
    s->out = s->err = s->ctl = s->req = s->pidfd = s->status_fd = -1;
    if (t->pending != 0)
        return pv_fail(PV_ERR_STATE, "template: warm children are pending");
    memset(&k, 0, sizeof k);
    k.op = 'K';
    k.kind = (uint8_t)kind;
    k.cpu_s = o->cpu_s;
    k.idle_s = idle_s;
    k.memory_mb = o->memory_mb;
    k.output_kb = o->output_kb;
    do
        w = send(t->sock, &k, sizeof k, MSG_NOSIGNAL);
    while (w < 0 && errno == EINTR);
    if (w != (ssize_t)sizeof k)
        return pv_fail(PV_ERR_RUNTIME, "template: it is gone (%s)", strerror(errno));
    t->pending++;
    return receive_child(t, s);
}

/* The reply to the oldest request: a child (s becomes a remote spawn) or why not. */
static int receive_child(pvx_template *t, pvx_spawn *s)
{
    pvt_msg m;
    int fds[PVT_NFDS], nfds, rc;

    Py_BEGIN_ALLOW_THREADS
    rc = recv_msg(t->sock, &m, fds, &nfds, PVT_REPLY_TIMEOUT_MS);
    Py_END_ALLOW_THREADS
    if (rc < 0) {
        rc = pv_fail(PV_ERR_RUNTIME, "template: no reply: %s",
                     errno == EPIPE ? "it exited" : strerror(errno));
        t->pending = 0;
        return rc;
    }
    t->pending--;
    if (m.op != 'C' || nfds != PVT_NFDS || m.pid <= 0) {
        for (int i = 0; i < nfds; i++)
            close(fds[i]);
        return pv_fail(PV_ERR_RUNTIME, "template: cannot fork a child: %s",
                       m.op == 'E' ? m.text : "malformed reply");
    }
    s->pid = (pid_t)m.pid;
    s->out = fds[0];
    s->err = fds[1];
    s->ctl = fds[2];
    s->req = fds[3];
    s->pidfd = fds[4];
    s->status_fd = fds[5];
    s->remote = true;
    /* its private directory, for tests: the template removes it once it reaped the child */
    {
        size_t n = strnlen(m.text, sizeof s->workdir - 1);
        memcpy(s->workdir, m.text, n);
        s->workdir[n] = '\0';
    }
    return 0;
}

/* ---- the template's side -------------------------------------------------------------- */

/* The namespaces a child unshares. The last process to leave a namespace tears it down
 * before its parent hears of its exit (a mount namespace waits for RCU): the template holds
 * a reference to each, taken once the child has unshared it, and drops it only after the
 * host has the run's status, so the teardown is off the request's path. */
static const char *const held_ns[] = {"mnt", "net", "ipc", "uts"};
#define PVT_NHELD (sizeof held_ns / sizeof held_ns[0])
static ino_t own_ns[PVT_NHELD];

typedef struct pvt_child {
    pid_t pid;          /* 0: free entry */
    int status_w;       /* write end of its status pipe */
    int ns[PVT_NHELD];  /* its namespaces, once unshared, or -1 */
    char workdir[32];
    dev_t workdir_dev;
    ino_t workdir_ino;
    long slot;          /* its uid's index in the range, or -1 */
} pvt_child;

static pvt_child children[PVT_MAX_CHILDREN];
/* Per-run uids: this template's block of PVT_UID_SLOTS uids starts at base + pid * SLOTS
 * (mod count): pids of live templates differ, so with a range of pid_max * SLOTS uids (the
 * default) no two templates share a uid; within the block, slots rotate. */
#define PVT_UID_SLOTS 16ul
_Static_assert(PVT_UID_SLOTS == PVX_SUBID_SLOTS, "as many slots for root and subordinate ids");
static unsigned char slot_used[PVT_UID_SLOTS];
static bool g_uids;
static unsigned long g_uid_first, g_next_slot;

static void tmpl_send(char op, pid_t pid, const char *text, const int *fds, int nfds)
{
    union {
        char buf[CMSG_SPACE(sizeof(int) * PVT_NFDS)];
        struct cmsghdr align;
    } u;
    pvt_msg m;
    struct iovec iov = {&m, sizeof m};
    struct msghdr mh;

    memset(&m, 0, sizeof m);
    memset(&mh, 0, sizeof mh);
    m.op = op;
    m.pid = (int32_t)pid;
    if (text)
        snprintf(m.text, sizeof m.text, "%s", text);
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    if (nfds > 0) {
        struct cmsghdr *c;
        memset(u.buf, 0, sizeof u.buf);
        mh.msg_control = u.buf;
        mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
        c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
    }
    while (sendmsg(PVT_FD_CHANNEL, &mh, MSG_NOSIGNAL) < 0 && errno == EINTR)
        ;
}

static _Noreturn void tmpl_fail(const char *what)
{
    char buf[400];
    snprintf(buf, sizeof buf, "%s: %s", what, pv_last_error());
    tmpl_send('E', 0, buf, NULL, 0);
    _exit(1);
}

/* A free uid slot, rotating; -1 when the range is full or not in use. */
static long take_slot(void)
{
    if (!g_uids)
        return -1;
    for (unsigned long k = 0; k < PVT_UID_SLOTS; k++) {
        unsigned long i = (g_next_slot + k) % PVT_UID_SLOTS;
        if (!slot_used[i]) {
            slot_used[i] = 1;
            g_next_slot = (i + 1) % PVT_UID_SLOTS;
            return (long)i;
        }
    }
    return -1;
}

static void spawn_one(pvx_py_plan *base, unsigned flags, const pvt_kind_req *k)
{
    pv_run_opts o = PV_RUN_OPTS_INIT;
    pvx_py_plan kind_plan;
    pvx_spawn sp;
    pvt_child *c = NULL;
    int st[2] = {-1, -1}, pidfd = -1;
    long slot;

    for (size_t i = 0; i < PVT_MAX_CHILDREN && !c; i++)
        if (children[i].pid == 0)
            c = &children[i];
    if (!c) {
        tmpl_send('E', 0, "too many children alive", NULL, 0);
        return;
    }
    slot = take_slot();
    if (g_uids && slot < 0) {
        tmpl_send('E', 0, "every uid of the range is in use", NULL, 0);
        return;
    }
    if (pipe2(st, O_CLOEXEC) < 0) {
        tmpl_send('E', 0, "pipe2 failed", NULL, 0);
        goto fail;
    }
    o.flags = flags;
    if (k) {
        /* a session's or a batch's child: the same image, another life after the fork (a
           shallow copy: the child owns it after the fork, this process never frees it) */
        kind_plan = *base;
        if (k->kind == PVX_TEMPLATE_SESSION) {
            kind_plan.child_main = pvx_session_child;
            kind_plan.idle_s = k->idle_s;
        } else {
            kind_plan.batch = true;
        }
        o.cpu_s = k->cpu_s;
        o.memory_mb = (size_t)k->memory_mb;
        o.output_kb = (size_t)k->output_kb;
        base = &kind_plan;
    }
    if (pvx_spawn_child_uid(&sp, base, &o, true,
                            slot >= 0 ? g_uid_first + (unsigned long)slot : 0) < 0) {
        tmpl_send('E', 0, pv_last_error(), NULL, 0);
        goto fail;
    }
    /* before the loop can reap it: the pidfd names this child and no other */
    pidfd = (int)syscall(SYS_pidfd_open, sp.pid, 0);
    if (pidfd < 0) {
        tmpl_send('E', 0, "pidfd_open failed", NULL, 0);
        snprintf(c->workdir, sizeof c->workdir, "%s", sp.workdir);
        c->workdir_dev = sp.workdir_dev;
        c->workdir_ino = sp.workdir_ino;
        c->pid = sp.pid;
        c->status_w = st[1];
        c->slot = slot;
        kill(-sp.pid, SIGKILL);
        kill(sp.pid, SIGKILL);
        close_fd(&sp.out);
        close_fd(&sp.err);
        close_fd(&sp.ctl);
        close_fd(&sp.req);
        close_fd(&st[0]);
        return; /* reaped by the loop */
    }
    {
        int fds[PVT_NFDS] = {sp.out, sp.err, sp.ctl, sp.req, pidfd, st[0]};
        c->pid = sp.pid;
        c->status_w = st[1];
        c->slot = slot;
        snprintf(c->workdir, sizeof c->workdir, "%s", sp.workdir);
        c->workdir_dev = sp.workdir_dev;
        c->workdir_ino = sp.workdir_ino;
        tmpl_send('C', sp.pid, sp.workdir, fds, PVT_NFDS);
        for (int i = 0; i < PVT_NFDS; i++)
            close(fds[i]);
    }
    return;
fail:
    close_fd(&st[0]);
    close_fd(&st[1]);
    if (slot >= 0)
        slot_used[slot] = 0;
}

/* Take a reference to each namespace the children have unshared by now. */
static void hold_namespaces(void)
{
    for (size_t i = 0; i < PVT_MAX_CHILDREN; i++) {
        pvt_child *c = &children[i];
        if (c->pid <= 0)
            continue;
        for (size_t k = 0; k < PVT_NHELD; k++) {
            char path[64];
            struct stat st;
            int fd;
            if (c->ns[k] >= 0 || own_ns[k] == 0)
                continue;
            snprintf(path, sizeof path, "/proc/%ld/ns/%s", (long)c->pid, held_ns[k]);
            fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0)
                continue;
            if (fstat(fd, &st) == 0 && st.st_ino != own_ns[k])
                c->ns[k] = fd; /* unshared: hold it */
            else
                close(fd); /* not yet: ask again at the next event */
        }
    }
}

static void forget(pvt_child *c)
{
    pvx_spawn dir;
    memset(&dir, 0, sizeof dir);
    dir.out = dir.err = dir.ctl = dir.req = -1;
    snprintf(dir.workdir, sizeof dir.workdir, "%s", c->workdir);
    dir.have_workdir = true;
    dir.workdir_dev = c->workdir_dev;
    dir.workdir_ino = c->workdir_ino;
    pvx_spawn_abort(&dir); /* removes the directory (and what a run without seccomp left) */
    close_fd(&c->status_w);
    for (size_t k = 0; k < PVT_NHELD; k++)
        close_fd(&c->ns[k]); /* the teardown happens here, after the host has the status */
    if (c->slot >= 0 && g_uids)
        slot_used[c->slot] = 0;
    memset(c, 0, sizeof *c);
    c->status_w = -1;
    for (size_t k = 0; k < PVT_NHELD; k++)
        c->ns[k] = -1;
}

/* Reap every child that has ended: its group dies first (the pid is still held), then its
 * status and rusage go to the host. */
static void reap_children(void)
{
    for (;;) {
        siginfo_t si;
        struct rusage ru;
        pvx_exit_record rec;
        int ws = 0;
        pid_t pid;
        memset(&si, 0, sizeof si);
        if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == 0)
            return;
        pid = si.si_pid;
        kill(-pid, SIGKILL);
        memset(&ru, 0, sizeof ru);
        while (wait4(pid, &ws, 0, &ru) < 0 && errno == EINTR)
            ;
        memset(&rec, 0, sizeof rec);
        rec.wstatus = ws;
        rec.reaped = 1;
        rec.ru.utime_us = (int64_t)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec;
        rec.ru.stime_us = (int64_t)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
        rec.ru.maxrss_kb = ru.ru_maxrss;
        for (size_t i = 0; i < PVT_MAX_CHILDREN; i++) {
            if (children[i].pid == pid) {
                (void)write_all(children[i].status_w, &rec, sizeof rec); /* EPIPE: unused */
                forget(&children[i]);
                break;
            }
        }
    }
}

static _Noreturn void shut_down(void)
{
    for (size_t i = 0; i < PVT_MAX_CHILDREN; i++) {
        if (children[i].pid > 0) {
            kill(-children[i].pid, SIGKILL);
            kill(children[i].pid, SIGKILL);
        }
    }
    for (size_t i = 0; i < PVT_MAX_CHILDREN; i++) {
        if (children[i].pid > 0) {
            while (waitpid(children[i].pid, NULL, 0) < 0 && errno == EINTR)
                ;
            forget(&children[i]);
        }
    }
    /* the orphaned inits of those children (subreaper): none outlives the template */
    while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
        ;
    _exit(0);
}

/* One empty network namespace for every child of this template, made here once (issue
 * 19: a child's own cost it a sixth of its run's CPU, in its set-up and in the kernel's
 * deferred teardown). Only where two mechanisms keep its runs apart in it without the
 * namespace: every child applies seccomp, which allows no socket(2) or socketpair(2) at
 * all (so no netlink, no UDP, no TCP, no unix socket), and Landlock ABI 6 scopes abstract
 * unix sockets to each child's own domain (each child restricts itself: two runs are two
 * domains); a child that cannot apply either ends before it runs (sandbox.c). Nothing in
 * it can be changed by a run: its loopback stays down and only this process's user
 * namespace has CAP_NET_ADMIN over it (a child's own user namespace is below it); /proc/net
 * and /proc/sys are not mounted in a child. After the subordinate-id claim, whose lock is an
 * abstract socket of the host's network namespace, and before the first fork; the children
 * then report namespace:net as before. Not shared (each child unshares its own, as before)
 * when the runs may go without seccomp or namespaces, or with Landlock below ABI 6, or when
 * this process cannot unshare one (not root, no subordinate ids). */
static void share_network_namespace(unsigned flags)
{
    long abi;
    const char *why;

    if (flags & (PV_RUN_NO_OS_LAYER | PV_RUN_NO_NAMESPACES | PV_RUN_NO_SECCOMP))
        return;
    if (!pvx_seccomp_program(&why))
        return;
    abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1u /* ..._VERSION */);
    if (abi < 6)
        return;
    if (unshare(CLONE_NEWNET) < 0)
        return;
    /* the children's network namespace is this one: nothing of theirs to hold */
    for (size_t k = 0; k < PVT_NHELD; k++) {
        if (strcmp(held_ns[k], "net") == 0)
            own_ns[k] = 0;
    }
    pvx_spawn_set_net_shared(true);
}

static char *read_setup(size_t *len)
{
    struct stat stt;
    char *buf;
    size_t off = 0;
    if (fstat(PVT_FD_SETUP, &stt) < 0 || stt.st_size <= 0 || (uint64_t)stt.st_size > PVT_MAX_SETUP)
        return NULL;
    buf = malloc((size_t)stt.st_size + 1);
    if (!buf)
        return NULL;
    while (off < (size_t)stt.st_size) {
        ssize_t n = read(PVT_FD_SETUP, buf + off, (size_t)stt.st_size - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            free(buf);
            return NULL;
        }
        off += (size_t)n;
    }
    buf[off] = '\0';
    *len = off;
    return buf;
}

/* Import each comma-separated name (the host's list); a leading '?' makes a name that
 * cannot be imported skipped instead of fatal. */
static int preload_modules(const char *list, size_t len)
{
    size_t i = 0;
    bool best_effort = len > 0 && list[0] == '?';
    if (best_effort)
        i = 1;
    while (i < len) {
        size_t j = i;
        char name[256];
        PyObject *m;
        while (j < len && list[j] != ',')
            j++;
        if (j > i && j - i < sizeof name) {
            memcpy(name, list + i, j - i);
            name[j - i] = '\0';
            m = PyImport_ImportModule(name);
            if (!m && !best_effort)
                return pv_fail_python(PV_ERR_PYTHON, "preload");
            PyErr_Clear();
            Py_XDECREF(m);
        }
        i = j + 1;
    }
    return 0;
}

int pvx_template_main(int argc, char **argv)
{
    pvt_setup h;
    pvx_py_plan base;
    pv_policy *policy = NULL;
    PyObject *loaded, *gc, *r;
    char *buf, origin[256];
    size_t len = 0;
    sigset_t chld;
    int sfd;

    (void)argc;
    (void)argv;
    prctl(PR_SET_NAME, "pyverify-tmpl", 0, 0, 0);
    /* an init whose supervisor was killed with it (its group) comes back to this process,
       which reaps it (shut_down waits for them), rather than to the machine's init */
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    pvx_wipe_environment(); /* exec'd with none: nothing to inherit */
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0 ||
        (sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
        tmpl_send('E', 0, "signalfd failed", NULL, 0);
        return 1;
    }
    buf = read_setup(&len);
    close(PVT_FD_SETUP);
    if (!buf || len < sizeof h) {
        tmpl_send('E', 0, "cannot read the set-up", NULL, 0);
        return 1;
    }
    memcpy(&h, buf, sizeof h);
    if (h.magic != PVT_MAGIC || h.policy_len > len - sizeof h ||
        h.origin_len > len - sizeof h - h.policy_len || h.origin_len >= sizeof origin ||
        h.preload_len != len - sizeof h - h.policy_len - h.origin_len ||
        h.uid_count > 1u << 27) {
        tmpl_send('E', 0, "malformed set-up (another version of the library?)", NULL, 0);
        return 1;
    }
    memcpy(origin, buf + sizeof h + h.policy_len, (size_t)h.origin_len);
    origin[h.origin_len] = '\0';
    pvx_arena_install(); /* before the interpreter allocates its first arena */
    if (pv_init() < 0)
        tmpl_fail("pv_init");
    PyGILState_Ensure(); /* held for good: this thread is the only one */
    loaded = PyMarshal_ReadObjectFromString(buf + sizeof h, (Py_ssize_t)h.policy_len);
    if (!loaded) {
        pv_fail_python(PV_ERR_POLICY, "the policy's tables");
        tmpl_fail("policy");
    }
    if (pvp_from_loaded(&policy, loaded, origin) < 0)
        tmpl_fail("policy");
    Py_DECREF(loaded);
    if (preload_modules(buf + sizeof h + h.policy_len + h.origin_len, (size_t)h.preload_len) < 0)
        tmpl_fail("preload");
    explicit_bzero(buf, len);
    free(buf);
    if (pvx_py_prepare(&base, NULL, false, policy->builtins_allowed, policy->modules,
                       policy->module_members, NULL, NULL, h.flags, 0) < 0) {
        pv_fail_python(PV_ERR_PYTHON, "builtins and proxies");
        tmpl_fail("prepare");
    }
    base.policy = policy;
    if (!(h.flags & (PV_RUN_NO_OS_LAYER | PV_RUN_NO_SECCOMP))) {
        const char *why;
        (void)pvx_seccomp_program(&why); /* compiled once, here; reported per run */
    }
    if (geteuid() == 0 && h.uid_count >= PVT_UID_SLOTS) {
        unsigned long blocks = (unsigned long)h.uid_count / PVT_UID_SLOTS;
        g_uids = true;
        g_uid_first = (unsigned long)h.uid_base +
                      ((unsigned long)getpid() % blocks) * PVT_UID_SLOTS;
    }
    /* the host-function stubs' types (a session's child binds them): library types, so
       before the guard's library set-up below */
    if (pvx_hoststub_prepare() < 0) {
        pv_fail_python(PV_ERR_PYTHON, "host-function stubs");
        tmpl_fail("prepare");
    }
    {
        /* what every child would otherwise do before its request (pylayer.c): the
           placeholder __main__, os.environ, sys.path and the guard's library set-up, done
           once here. The template runs no program: the guard stays unarmed in it */
        const char *what = "";
        if (pvx_py_image_prepare(&base, &what) < 0) {
            pv_fail_python(PV_ERR_PYTHON, what);
            tmpl_fail("prepare");
        }
        (void)pvx_py_streams_prepare(); /* else each child makes its own */
    }
    /* the heap as it is now is shared by every child: the collector must not touch it
       (each pass would copy the pages it writes) */
    gc = PyImport_ImportModule("gc");
    r = gc ? PyObject_CallMethod(gc, "collect", NULL) : NULL;
    Py_XDECREF(r);
    r = gc ? PyObject_CallMethod(gc, "freeze", NULL) : NULL;
    Py_XDECREF(r);
    Py_XDECREF(gc);
    PyErr_Clear();
    for (size_t i = 0; i < PVT_MAX_CHILDREN; i++) {
        children[i].status_w = -1;
        for (size_t k = 0; k < PVT_NHELD; k++)
            children[i].ns[k] = -1;
    }
    for (size_t k = 0; k < PVT_NHELD; k++) {
        char path[64];
        struct stat st;
        snprintf(path, sizeof path, "/proc/self/ns/%s", held_ns[k]);
        own_ns[k] = stat(path, &st) == 0 ? st.st_ino : 0;
    }
    if (geteuid() != 0 && !(h.flags & PV_RUN_NO_OS_LAYER)) {
        /* not root: root of a user namespace of a block of subordinate ids instead, the
           children's uids 1 .. 16 in it (subid.c); else each child says why not. Last, so
           that the set-up above read the host's files as the host's uid */
        static pvx_subid_block block = {0, 0, -1};
        static char why[300];
        const char *w = NULL;
        int rc = pvx_subid_claim(&block, (unsigned long)getpid(), (unsigned long)h.uid_base,
                                 (unsigned long)h.uid_count, &w, why, sizeof why);
        if (rc == 0)
            rc = pvx_subid_enter(&block, &w, why, sizeof why);
        if (rc == -2) {
            pv_fail(PV_ERR_RUNTIME, "per-run uids: %s", w);
            tmpl_fail("subordinate ids");
        }
        if (rc == 0) {
            g_uids = true;
            g_uid_first = 1;
        } else if (block.claim_fd >= 0) {
            close(block.claim_fd);
        }
        pvx_spawn_set_subid(rc == 0, w);
    }
    share_network_namespace(h.flags);
    /* last: nothing after this writes into the arenas before a fork (a write would split
       a huge page in this process, and every later fork would copy 512 entries again) */
    pvx_spawn_set_streams_quiet();
    (void)pvx_arena_collapse();
    tmpl_send('R', getpid(), NULL, NULL, 0);

    for (;;) {
        struct pollfd pf[2] = {{PVT_FD_CHANNEL, POLLIN, 0}, {sfd, POLLIN, 0}};
        if (poll(pf, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            shut_down();
        }
        if (pf[1].revents) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof si) > 0)
                ;
            reap_children();
        }
        if (pf[0].revents & POLLIN) {
            pvt_kind_req k;
            ssize_t n = recv(PVT_FD_CHANNEL, &k, sizeof k, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                shut_down(); /* the host closed the channel, or died */
            if (k.op == 'S') {
                hold_namespaces(); /* of the children forked before, set up by now */
                spawn_one(&base, h.flags, NULL);
            } else if (k.op == 'K') {
                hold_namespaces();
                if (n != (ssize_t)sizeof k ||
                    (k.kind != PVX_TEMPLATE_SESSION && k.kind != PVX_TEMPLATE_BATCH) ||
                    !(k.cpu_s > 0 && k.cpu_s <= 86400) || !(k.idle_s >= 0 && k.idle_s <= 86400))
                    tmpl_send('E', 0, "malformed request", NULL, 0);
                else
                    spawn_one(&base, h.flags, &k);
            }
        } else if (pf[0].revents & (POLLHUP | POLLERR)) {
            shut_down();
        }
    }
}

/* A process that forks runners' children (the service's zygote) prepares everything once:
 * its warm-up program imports nothing (prepare.c), and each worker would otherwise import
 * every allowed module again. */
int pvx_prepare_all(const pv_policy *policy)
{
    pvx_py_plan plan;
    PyGILState_STATE gil = PyGILState_Ensure();
    int rc = pvx_py_prepare(&plan, NULL, false, policy->builtins_allowed, policy->modules,
                            policy->module_members, NULL, NULL, 0, 0);
    if (rc == 0)
        pvx_py_plan_clear(&plan);
    else
        rc = pv_fail_python(rc, "preparing the allowed modules");
    PyGILState_Release(gil);
    return rc;
}
