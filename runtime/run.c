/*
 * run.c: the parent side of a sandboxed run (pvx_run_here: pv_run() forking from this
 * process; run_pool.c's pv_run() calls it without a template), and the result handle.
 *
 * The parent prepares everything that can fail before fork: the Python-level plan
 * (pylayer.c), then spawn.c the seccomp program (seccomp_filter.c), the private directory,
 * stdin, three close-on-exec pipes (stdout, stderr, control). The child applies the OS steps
 * (sandbox.c) and runs the code. The parent, without the GIL, polls the three pipes and a
 * pidfd of the child against the wall-clock deadline, keeps output up to the caps, kills
 * the whole process group when a limit is hit, reaps with wait4 for rusage, and
 * classifies the outcome.
 */
#include "internal.h"
#include "runtime.h"
#include "run_here.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdatomic.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Upper bounds on options: a caller's typo must not become a day-long run. */
#define PVX_MAX_TIMEOUT_S 86400.0
#define PVX_MIN_MEMORY_MB 32u
#define PVX_MAX_OUTPUT_KB (1024u * 1024u)
/* Control records beyond the value: layers, failures, the exception. */
#define PVX_CONTROL_SLACK (64u * 1024u)
/* How long to keep draining pipes after the child is gone or killed. */
#define PVX_DRAIN_GRACE_MS 200

typedef struct pvx_buf {
    char *data; /* owned, NUL-terminated */
    size_t len, cap, limit;
    bool truncated;
} pvx_buf;

typedef struct pvx_skip {
    char *step;   /* owned */
    char *reason; /* owned */
} pvx_skip;

struct pv_run_result {
    pv_run_status status;
    int exit_code, signal;
    pvx_buf out, err;
    unsigned long cpu_ms, wall_ms, max_rss_kb;
    char *exc_type, *exc_message; /* owned or NULL */
    unsigned exc_line;
    char *value;                  /* owned or NULL */
    char *kill_reason;            /* owned or NULL: set by classify() only */
    char *audit_event;            /* owned or NULL: the child's AUDIT record (data) */
    char **layers;                /* owned array of owned names */
    size_t nlayers;
    pvx_skip *skips;              /* owned */
    size_t nskips;
    bool value_too_large;
    bool ready;
    char *fatal;                  /* owned: why the child could not start the program */
    bool done;                    /* a session's child reported the end of the run */
    char done_code;               /* its payload: '0' ended, '1' exception */
};

const char *pv_run_status_name(pv_run_status s)
{
    switch (s) {
    case PV_RUN_OK: return "ok";
    case PV_RUN_REJECTED: return "rejected";
    case PV_RUN_ERROR: return "error";
    case PV_RUN_TIMEOUT: return "timeout";
    case PV_RUN_CPU: return "cpu";
    case PV_RUN_MEMORY: return "memory";
    case PV_RUN_OUTPUT: return "output";
    case PV_RUN_CRASHED: return "crashed";
    case PV_RUN_KILLED: return "killed";
    case PV_RUN_NOT_RUN: return "not_run";
    case PV_RUN_HOST_LIMIT: return "host_limit";
    }
    return "unknown";
}

/* ---- small helpers ------------------------------------------------------------------------ */

static char *xstrndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static int add_layer(pv_run_result *r, const char *name, size_t n)
{
    char **v;
    for (size_t i = 0; i < r->nlayers; i++)
        if (strlen(r->layers[i]) == n && memcmp(r->layers[i], name, n) == 0)
            return 0;
    v = realloc(r->layers, (r->nlayers + 1) * sizeof *v);
    if (!v)
        return -1;
    r->layers = v;
    v[r->nlayers] = xstrndup(name, n);
    if (!v[r->nlayers])
        return -1;
    r->nlayers++;
    return 0;
}

static int add_skip(pv_run_result *r, const char *step, const char *reason)
{
    pvx_skip *v = realloc(r->skips, (r->nskips + 1) * sizeof *v);
    if (!v)
        return -1;
    r->skips = v;
    v[r->nskips].step = strdup(step);
    v[r->nskips].reason = strdup(reason);
    if (!v[r->nskips].step || !v[r->nskips].reason) {
        free(v[r->nskips].step);
        free(v[r->nskips].reason);
        return -1;
    }
    r->nskips++;
    return 0;
}

static int buf_init(pvx_buf *b, size_t limit)
{
    b->cap = 4096;
    b->len = 0;
    b->limit = limit;
    b->truncated = false;
    b->data = malloc(b->cap + 1);
    if (!b->data)
        return -1;
    b->data[0] = '\0';
    return 0;
}

/* Append up to the limit; returns false when something had to be dropped. */
static bool buf_append(pvx_buf *b, const char *p, size_t n)
{
    size_t keep = n;
    if (b->len + keep > b->limit)
        keep = b->limit - b->len;
    if (keep > 0) {
        if (b->len + keep > b->cap) {
            size_t cap = b->cap;
            char *d;
            while (cap < b->len + keep)
                cap *= 2;
            if (cap > b->limit)
                cap = b->limit;
            d = realloc(b->data, cap + 1);
            if (!d)
                return false; /* treated as over the cap: the run is stopped */
            b->data = d;
            b->cap = cap;
        }
        memcpy(b->data + b->len, p, keep);
        b->len += keep;
        b->data[b->len] = '\0';
    }
    if (keep < n) {
        b->truncated = true;
        return false;
    }
    return true;
}

static unsigned long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long)ts.tv_sec * 1000ul + (unsigned long)ts.tv_nsec / 1000000ul;
}

/* ---- control records ------------------------------------------------------------------------ */

/* Everything on the control pipe is written by the child, and after READY by a process that
 * may run native code: records are data to bound and clean, never a verdict. Layers and
 * step failures count only before READY (written by the runtime's own code, in order, on a
 * FIFO); after READY only the exception, the value and the audit event are read, each once,
 * and classify() decides whether the observed exit status lets them mean anything. */
#define PVX_MAX_EXC_TYPE 256u
#define PVX_MAX_AUDIT 1024u

/* A bounded copy with control characters replaced: the text goes into logs and JSON. */
static char *clean_copy(const char *p, size_t n, size_t max)
{
    char *s;
    if (n > max)
        n = max;
    s = xstrndup(p, n);
    if (s)
        for (char *c = s; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                *c = '?';
    return s;
}

typedef struct pvx_control {
    pvx_buf raw;     /* bytes received, parsed incrementally */
    size_t parsed;
    pvx_host *host;  /* host calls of this run (hostcall.c), or NULL */
    size_t other, other_limit; /* with host calls: bytes of the other records, and their cap */
    bool closed;     /* the run is being ended: host calls are no longer answered */
    bool until_done; /* a session's step: the watch ends at DONE */
    bool end_early;  /* a runner's template child: DONE may end the run (end_early) */
} pvx_control;

/* Parse complete records. Returns -1 on allocation failure (or too much control data), -2
 * when a host call breaks its budget or the protocol (c->host->reason says why). */
static int control_parse(pvx_control *c, pv_run_result *r)
{
    while (c->raw.len - c->parsed >= 5) {
        const char *p = c->raw.data + c->parsed;
        uint32_t n;
        const char *payload;
        memcpy(&n, p + 1, 4);
        if (c->host && !c->closed && p[0] == PVX_REC_HOST && pvx_host_oversize(c->host, n)) {
            /* decided from the header: the rest is not waited for */
            if (!c->host->reason && (c->host->reason = malloc(96)))
                snprintf(c->host->reason, 96, "host: arguments of %u bytes, over the limit of %zu",
                         (unsigned)n, c->host->max_bytes);
            return -2;
        }
        if (c->raw.len - c->parsed - 5 < n)
            break;
        payload = p + 5;
        switch (p[0]) {
        case PVX_REC_LAYER:
            if (!r->ready && add_layer(r, payload, n) < 0)
                return -1;
            break;
        case PVX_REC_FAIL:
            if (!r->ready) {
                char *s = xstrndup(payload, n);
                if (!s)
                    return -1;
                size_t a = strlen(s);
                int rc = add_skip(r, s, a < n ? s + a + 1 : "");
                free(s);
                if (rc < 0)
                    return -1;
            }
            break;
        case PVX_REC_READY:
            r->ready = true;
            break;
        case PVX_REC_EXC:
            if (r->ready && !r->exc_type) {
                size_t a = strnlen(payload, n), b = a < n ? strnlen(payload + a + 1, n - a - 1) : 0;
                r->exc_type = clean_copy(payload, a, PVX_MAX_EXC_TYPE);
                r->exc_message = a < n ? xstrndup(payload + a + 1, b < PVX_MAX_MESSAGE ? b
                                                                            : PVX_MAX_MESSAGE)
                                       : strdup("");
                if (a + b + 2 < n) {
                    char num[12];
                    size_t k = n - (a + b + 2) < sizeof num - 1 ? n - (a + b + 2) : sizeof num - 1;
                    unsigned long l;
                    memcpy(num, payload + a + b + 2, k);
                    num[k] = '\0';
                    l = strtoul(num, NULL, 10);
                    r->exc_line = l > 0xFFFFFFFFul ? 0 : (unsigned)l;
                }
                if (!r->exc_type || !r->exc_message)
                    return -1;
            }
            break;
        case PVX_REC_VALUE:
            if (r->ready && !r->value && !r->value_too_large) {
                if (n == 0) {
                    r->value_too_large = true;
                } else {
                    r->value = xstrndup(payload, n);
                    if (!r->value)
                        return -1;
                }
            }
            break;
        case PVX_REC_AUDIT:
            if (r->ready && !r->audit_event) {
                r->audit_event = clean_copy(payload, strnlen(payload, n), PVX_MAX_AUDIT);
                if (!r->audit_event)
                    return -1;
            }
            break;
        case PVX_REC_FATAL:
            if (!r->ready && !r->fatal) {
                r->fatal = clean_copy(payload, strnlen(payload, n), PVX_MAX_AUDIT);
                if (!r->fatal)
                    return -1;
            }
            break;
        case PVX_REC_DONE:
            if ((c->until_done || c->end_early) && r->ready && !r->done) {
                r->done = true;
                r->done_code = n > 0 ? payload[0] : '?';
            }
            break;
        case PVX_REC_HOST:
            if (!c->host || c->closed)
                break; /* no host functions (or the run is ending): data like any other */
            if (!r->ready || pvx_host_request(c->host, payload, n) < 0) {
                if (!c->host->reason)
                    c->host->reason = strdup("host: call before the program started");
                c->parsed += 5 + n;
                return -2;
            }
            break;
        default:
            break; /* a program without the Python layer may write anything on fd 3 */
        }
        if (c->host && p[0] != PVX_REC_HOST && (c->other += 5 + n) > c->other_limit)
            return -1;
        c->parsed += 5 + n;
    }
    /* with host calls the stream is unbounded in total: keep only the unparsed tail */
    if (c->host && c->parsed > 0) {
        memmove(c->raw.data, c->raw.data + c->parsed, c->raw.len - c->parsed);
        c->raw.len -= c->parsed;
        c->raw.data[c->raw.len] = '\0';
        c->parsed = 0;
    }
    return 0;
}

/* ---- the parent loop -------------------------------------------------------------------- */

typedef struct pvx_watch {
    pid_t pid;
    bool remote;            /* a template's child: signalled through pidfd only */
    int pidfd;              /* or -1: then the loop polls waitid(WNOWAIT) */
    int out, err, ctl;      /* read ends, -1 once at EOF */
    unsigned long deadline; /* monotonic ms */
    /* RLIMIT_CPU counts whole seconds: the parent enforces the exact CPU limit by reading
       the child's CPU clock, no sooner than the child could have used it all */
    clockid_t cpu_clock;
    bool have_cpu_clock;
    unsigned long cpu_limit_ms, cpu_check; /* cpu_check: monotonic ms of the next reading */
    bool timed_out, output_exceeded, control_exceeded, exited, cpu_exceeded;
    bool host_exceeded;     /* a host-call budget or the protocol (hostcall.c) */
    bool clock_resolved; /* the CPU clock is the program's (below the pid namespace) */
    unsigned long prog_cpu_ms; /* its last reading before a kill: killed together, the
                                  supervisor and init never reap the program, so wait4's
                                  rusage would not include it */
    pid_t prog_pid;         /* the program's pid (below the pid namespace), once known */
    int prog_pidfd;         /* a pidfd of it (-1: none), opened when its pid was found */
    bool ended_early;       /* end_early() ended the run: no wait status will be read */
    unsigned long early_rss_kb; /* the program's VmHWM, read by end_early() */
    pid_t prog_hint;        /* the program's pid as the runner found it before the request */
} pvx_watch;

static bool has_pid_layer(const pv_run_result *r)
{
    for (size_t i = 0; i < r->nlayers; i++)
        if (strcmp(r->layers[i], "namespace:pid") == 0)
            return true;
    return false;
}

/* Kill the run, first reading the program's CPU clock when it is not the child's. */
static void stop(pvx_watch *w)
{
    struct timespec ts;
    if (w->clock_resolved && w->have_cpu_clock && clock_gettime(w->cpu_clock, &ts) == 0)
        w->prog_cpu_ms = (unsigned long)ts.tv_sec * 1000ul + (unsigned long)ts.tv_nsec / 1000000ul;
    if (w->remote)
        pvx_end_remote_run(w->pid, w->pidfd);
    else
        pvx_end_run(w->pid);
}

/* Read what is available on *fd into b; returns false when the cap was exceeded. */
static bool drain(int *fd, pvx_buf *b)
{
    char chunk[65536];
    ssize_t n = read(*fd, chunk, sizeof chunk);
    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN)
            return true;
        pvx_close_fd(fd);
        return true;
    }
    if (n == 0) {
        pvx_close_fd(fd);
        return true;
    }
    return buf_append(b, chunk, (size_t)n);
}

static bool child_exited(pvx_watch *w)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (waitid(P_PID, (id_t)w->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == w->pid)
        return true;
    return false;
}

static bool drain_ready(int *fd, pvx_buf *b);

/* The state letter and VmHWM (kB) of a process, from /proc/<pid>/status; false when
 * unreadable (gone). */
static bool proc_status(pid_t pid, char *state, unsigned long *hwm_kb)
{
    char path[64], buf[4096];
    const char *p;
    ssize_t n;
    int fd;

    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    p = strstr(buf, "\nState:\t");
    if (!p)
        return false;
    *state = p[8];
    p = strstr(buf, "\nVmHWM:");
    *hwm_kb = p ? strtoul(p + 7, NULL, 10) : 0;
    return true;
}

/* A template's child reported the program's end (DONE) and now waits to be killed
 * (warm_child.c). The run ends here instead of at the end of the exit chain (the program,
 * its init and the supervisor exit one after the other, each tearing down a copy of the
 * interpreter's address space and waking the next, then the template reaps), provided this
 * process observes the program asleep after its report: the outcome is then the one the
 * report gives (exit 0, or 1 after an exception: what the program could have obtained by
 * exiting), and this process's own verdicts (watchdog, the program's CPU clock, the caps)
 * are taken now. A program running on or already dead after its report (a forged DONE) is
 * not ended here: its run goes on to its real end, classified from the wait status as
 * always. The whole tree gets SIGKILL before this returns true; a process with SIGKILL
 * pending never returns to user code and cannot fork (the kernel checks for a fatal signal
 * first), so the processes still dying after the call are harmless; the template reaps
 * them and drops the namespaces, off the request's path. */
static bool end_early(pvx_watch *w, pv_run_result *r)
{
    int pfd = w->prog_pidfd >= 0 ? w->prog_pidfd : w->prog_pid == w->pid ? w->pidfd : -1;
    unsigned long used, rss = 0;
    struct timespec ts;
    char state = '?';

    if (pfd < 0 || w->prog_pid <= 0 || !w->have_cpu_clock)
        return false;
    /* it gets to its wait microseconds after the write */
    for (int i = 0; i < 100; i++) {
        if (!proc_status(w->prog_pid, &state, &rss) || state != 'R')
            break;
        nanosleep(&(struct timespec){0, 20000}, NULL);
    }
    if (state != 'S' || clock_gettime(w->cpu_clock, &ts) != 0)
        return false;
    /* not reaped yet (so the pid read above was not reused): the readings are the program's */
    if (syscall(SYS_pidfd_send_signal, pfd, 0, NULL, 0u) != 0)
        return false;
    used = (unsigned long)ts.tv_sec * 1000ul + (unsigned long)ts.tv_nsec / 1000000ul;
    /* what it wrote before its report is in the pipes */
    if (!drain_ready(&w->out, &r->out) || !drain_ready(&w->err, &r->err))
        w->output_exceeded = true;
    syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0u);
    stop(w); /* its init (the namespace with it) and the supervisor */
    w->prog_cpu_ms = used;
    w->early_rss_kb = rss;
    if (used >= w->cpu_limit_ms)
        w->cpu_exceeded = true;
    if (now_ms() >= w->deadline)
        w->timed_out = true;
    w->ended_early = true;
    return true;
}

static void watch_loop(pvx_watch *w, pv_run_result *r, pvx_control *c)
{
    unsigned long grace_end = 0;
    bool killed = false;

    for (;;) {
        struct pollfd pfd[5];
        int nfd = 0, idx_out = -1, idx_err = -1, idx_ctl = -1, idx_pid = -1, idx_host = -1;
        unsigned long now = now_ms(), until;
        int timeout, rc;

        if (c->until_done && r->done)
            break; /* a session's run ended; its child lives on */
        if (w->out < 0 && w->err < 0 && w->ctl < 0) {
            /* every writer is gone: the program has ended or is ending; a pid-namespace
               supervisor still has to report it (ends within the grace period) */
            if (w->exited)
                break;
            if (grace_end == 0)
                grace_end = now + PVX_DRAIN_GRACE_MS;
        }
        if (!killed && !w->exited && now >= w->deadline) {
            w->timed_out = true;
            stop(w);
            killed = true;
        }
        if (!killed && !w->exited && w->have_cpu_clock && now >= w->cpu_check) {
            struct timespec ts;
            if (clock_gettime(w->cpu_clock, &ts) == 0) {
                unsigned long used = (unsigned long)ts.tv_sec * 1000ul +
                                     (unsigned long)ts.tv_nsec / 1000000ul;
                if (used >= w->cpu_limit_ms) {
                    w->cpu_exceeded = true;
                    stop(w);
                    killed = true;
                } else {
                    unsigned long left = w->cpu_limit_ms - used;
                    w->cpu_check = now + (left < 2 ? 2 : left);
                }
            } else {
                w->have_cpu_clock = false; /* the child is gone; RLIMIT_CPU still holds */
            }
        }
        if ((killed || w->exited) && grace_end == 0)
            grace_end = now + PVX_DRAIN_GRACE_MS;
        if (grace_end && now >= grace_end)
            break; /* a leftover holds the pipes open: stop listening */
        until = grace_end ? grace_end : w->deadline;
        if (!grace_end && w->have_cpu_clock && w->cpu_check < until)
            until = w->cpu_check;
        timeout = until > now ? (int)(until - now) : 0;
        if (w->pidfd < 0 && !w->exited && timeout > 20)
            timeout = 20;
        if (w->out >= 0) {
            idx_out = nfd;
            pfd[nfd++] = (struct pollfd){w->out, POLLIN, 0};
        }
        if (w->err >= 0) {
            idx_err = nfd;
            pfd[nfd++] = (struct pollfd){w->err, POLLIN, 0};
        }
        if (w->ctl >= 0) {
            idx_ctl = nfd;
            pfd[nfd++] = (struct pollfd){w->ctl, POLLIN, 0};
        }
        if (w->pidfd >= 0 && !w->exited) {
            idx_pid = nfd;
            pfd[nfd++] = (struct pollfd){w->pidfd, POLLIN, 0};
        }
        if (c->host && c->host->out && !killed) {
            idx_host = nfd; /* a reply the child has not taken yet */
            pfd[nfd++] = (struct pollfd){c->host->fd, POLLOUT, 0};
        }
        rc = poll(pfd, (nfds_t)nfd, timeout);
        if (rc < 0 && errno != EINTR)
            break;
        if (rc <= 0) {
            if (w->pidfd < 0 && !w->exited && child_exited(w))
                w->exited = true;
            continue;
        }
        if (idx_out >= 0 && pfd[idx_out].revents) {
            if (!drain(&w->out, &r->out) && !w->output_exceeded) {
                w->output_exceeded = true;
                stop(w);
                killed = true;
            }
        }
        if (idx_err >= 0 && pfd[idx_err].revents) {
            if (!drain(&w->err, &r->err) && !w->output_exceeded) {
                w->output_exceeded = true;
                stop(w);
                killed = true;
            }
        }
        if (idx_ctl >= 0 && pfd[idx_ctl].revents) {
            if (!drain(&w->ctl, &c->raw) && !w->control_exceeded) {
                w->control_exceeded = true;
                stop(w);
                killed = true;
            }
            {
                int prc;
                c->closed = killed;
                prc = control_parse(c, r);
                if (prc == -2 && !w->host_exceeded) {
                    w->host_exceeded = true;
                    stop(w);
                    killed = true;
                } else if (prc < 0 && !w->control_exceeded) {
                    w->control_exceeded = true;
                    stop(w);
                    killed = true;
                }
            }
            /* in a pid namespace the child is a supervisor: the CPU clock to read is the
               program's, its second child (the init is the first), found in /proc (the
               kernel's word, not the child's); until then RLIMIT_CPU, set in the program,
               still holds */
            if (r->ready && !w->clock_resolved && has_pid_layer(r)) {
                pid_t prog = w->prog_hint > 0 && w->prog_hint != w->pid ? w->prog_hint
                                                                   : pvx_program_pid(w->pid);
                clockid_t clk;
                w->clock_resolved = true;
                if (prog != w->pid && clock_getcpuclockid(prog, &clk) == 0) {
                    w->cpu_clock = clk;
                    w->have_cpu_clock = true;
                    if (c->end_early) {
                        /* a pidfd, then the same pid still the supervisor's second child: it
                           names the program (the supervisor forks nothing else, so a reaped
                           pid's number is not its child again) */
                        int fd = (int)syscall(SYS_pidfd_open, prog, 0);
                        if (fd >= 0 && pvx_program_pid(w->pid) == prog) {
                            w->prog_pidfd = fd;
                            w->prog_pid = prog;
                        } else if (fd >= 0) {
                            close(fd);
                        }
                    }
                } else {
                    w->have_cpu_clock = false;
                }
            } else if (r->ready && !w->clock_resolved && !w->prog_pid) {
                w->prog_pid = w->pid; /* no pid namespace: the child is the program */
            }
            if (c->end_early && r->done && !killed) {
                if (end_early(w, r))
                    break;
                c->end_early = false; /* the ordinary end, from here on */
            }
        }
        if (idx_pid >= 0 && pfd[idx_pid].revents)
            w->exited = true;
        if (idx_host >= 0 && pfd[idx_host].revents && !killed &&
            pvx_host_flush(c->host) < 0 && !w->host_exceeded) {
            w->host_exceeded = true;
            stop(w);
            killed = true;
        }
    }
}

/* ---- classification -------------------------------------------------------------------------- */

static void drop_exception(pv_run_result *r)
{
    free(r->exc_type);
    free(r->exc_message);
    r->exc_type = r->exc_message = NULL;
    r->exc_line = 0;
}

/* "audit: EVENT" for an exit the audit hook could have caused; the event is the child's. */
static char *audit_reason(const pv_run_result *r)
{
    const char *ev = r->audit_event ? r->audit_event : "(no event reported)";
    size_t len = strlen(ev) + 8;
    char *s = malloc(len);
    if (s)
        snprintf(s, len, "audit: %s", ev);
    return s;
}

/* The status and the kill reason come from what this process observed: the wait status,
 * its watchdog and CPU reading, the caps it enforced, and the flags it ran with. The
 * child's records only add detail to an outcome the wait status already shows: the
 * exception for exit 1, the value for exit 0 of an expression (and "output" when the child says the value
 * was over the cap: a program can only fail its own run that way), the audit event for
 * exit 125 when the Python layer (and so the hook) was on. A NULL kill_reason after an
 * allocation failure only loses detail. */
static void classify(pv_run_result *r, const pvx_watch *w, int wstatus, double cpu_s,
                     unsigned flags, bool expr)
{
    bool cpu_spent = (double)r->cpu_ms >= cpu_s * 1000.0;

    free(r->kill_reason);
    r->kill_reason = NULL;
    if (WIFSIGNALED(wstatus)) {
        r->signal = WTERMSIG(wstatus);
        r->exit_code = -1;
    } else if (WIFEXITED(wstatus)) {
        r->exit_code = WEXITSTATUS(wstatus);
    }
    /* an exception counts only when the child exited as the runtime does after one */
    if (r->signal || r->exit_code != PVX_EXIT_EXCEPTION || w->cpu_exceeded || w->timed_out ||
        w->control_exceeded || w->output_exceeded)
        drop_exception(r);
    /* a value only for an expression (the parent knows the mode), and only on exit 0 */
    if (!expr || r->signal || r->exit_code != PVX_EXIT_OK) {
        free(r->value);
        r->value = NULL;
        r->value_too_large = false;
    }
    if (w->cpu_exceeded) {
        r->status = PV_RUN_CPU;
        return;
    }
    if (w->timed_out) {
        r->status = cpu_spent ? PV_RUN_CPU : PV_RUN_TIMEOUT;
        return;
    }
    if (w->control_exceeded) {
        /* only a program without the Python layer can write to the control pipe */
        r->status = PV_RUN_KILLED;
        r->kill_reason = strdup("runtime: control channel flooded");
        return;
    }
    if (w->output_exceeded || r->value_too_large) {
        r->status = PV_RUN_OUTPUT;
        return;
    }
    if (r->signal) {
        switch (r->signal) {
        case SIGXCPU:
            r->status = PV_RUN_CPU;
            return;
        case SIGKILL:
            r->status = cpu_spent ? PV_RUN_CPU : PV_RUN_KILLED;
            return;
        case SIGSYS:
            r->status = PV_RUN_KILLED;
            r->kill_reason = strdup("seccomp: forbidden system call");
            return;
        default:
            r->status = PV_RUN_CRASHED;
            return;
        }
    }
    if (r->exit_code == PVX_EXIT_AUDIT && !(flags & PV_RUN_NO_PYTHON_LAYER) && r->ready) {
        r->status = PV_RUN_KILLED;
        r->kill_reason = audit_reason(r);
        return;
    }
    if (r->exc_type) {
        r->status = strcmp(r->exc_type, "MemoryError") == 0 ? PV_RUN_MEMORY : PV_RUN_ERROR;
        return;
    }
    /* set-up ran out of memory (before READY: the runtime's own report) */
    if (!r->ready && r->exit_code == PVX_EXIT_EXCEPTION && r->fatal &&
        strstr(r->fatal, "MemoryError")) {
        r->status = PV_RUN_MEMORY;
        return;
    }
    r->status = r->exit_code == 0 && r->ready ? PV_RUN_OK : PV_RUN_ERROR;
}

/* ---- pv_run ----------------------------------------------------------------------------------- */

static int check_opts(pv_run_opts *o, const pv_run_opts *in)
{
    static const pv_run_opts defaults = PV_RUN_OPTS_INIT;
    const unsigned known = PV_RUN_NO_PYTHON_LAYER | PV_RUN_NO_OS_LAYER |
                           PV_RUN_ALLOW_UNVERIFIED | PV_RUN_NO_SECCOMP | PV_RUN_NO_NAMESPACES;
    *o = in ? *in : defaults;
    if (o->version != PV_RUN_OPTS_VERSION)
        return pv_fail(PV_ERR_INVALID, "pv_run_opts.version is %u, expected %u", o->version,
                       PV_RUN_OPTS_VERSION);
    if (o->timeout_s == 0)
        o->timeout_s = PV_RUN_DEFAULT_TIMEOUT_S;
    if (o->cpu_s == 0)
        o->cpu_s = PV_RUN_DEFAULT_CPU_S;
    if (o->memory_mb == 0)
        o->memory_mb = PV_RUN_DEFAULT_MEMORY_MB;
    if (o->output_kb == 0)
        o->output_kb = PV_RUN_DEFAULT_OUTPUT_KB;
    if (!(o->timeout_s > 0 && o->timeout_s <= PVX_MAX_TIMEOUT_S))
        return pv_fail(PV_ERR_INVALID, "timeout must be in (0, %g] seconds", PVX_MAX_TIMEOUT_S);
    if (!(o->cpu_s > 0 && o->cpu_s <= PVX_MAX_TIMEOUT_S))
        return pv_fail(PV_ERR_INVALID, "cpu limit must be in (0, %g] seconds", PVX_MAX_TIMEOUT_S);
    if (o->memory_mb < PVX_MIN_MEMORY_MB || o->memory_mb > (size_t)1 << 22)
        return pv_fail(PV_ERR_INVALID, "memory limit must be in [%u, %u] MB", PVX_MIN_MEMORY_MB,
                       1u << 22);
    if (o->output_kb > PVX_MAX_OUTPUT_KB)
        return pv_fail(PV_ERR_INVALID, "output limit must be at most %u KB", PVX_MAX_OUTPUT_KB);
    if (o->flags & ~known)
        return pv_fail(PV_ERR_INVALID, "unknown pv_run_opts.flags bits 0x%x", o->flags & ~known);
    if (o->stdin_len > 0 && !o->stdin_data)
        return pv_fail(PV_ERR_INVALID, "stdin_len without stdin_data");
    return 0;
}

pv_run_result *pvx_result_new(const pv_run_opts *o)
{
    pv_run_result *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    if (buf_init(&r->out, o->output_kb * 1024u) < 0 || buf_init(&r->err, o->output_kb * 1024u) < 0) {
        pv_run_result_free(r);
        return NULL;
    }
    return r;
}

unsigned long pvx_now_ms(void) { return now_ms(); }

int pvx_check_opts(pv_run_opts *o, const pv_run_opts *in) { return check_opts(o, in); }

/* The wait status and rusage of a template's child, from its status pipe: the template
 * writes them once it reaped the child (within moments of its end). */
static int remote_wait(pvx_spawn *s, int *wstatus, struct rusage *ru)
{
    pvx_exit_record rec;
    size_t got = 0;
    unsigned long until = now_ms() + 10000;
    while (got < sizeof rec) {
        struct pollfd pf = {s->status_fd, POLLIN, 0};
        unsigned long now = now_ms();
        ssize_t n;
        if (now >= until) {
            errno = ETIMEDOUT;
            return -1;
        }
        if (poll(&pf, 1, (int)(until - now)) < 0 && errno != EINTR)
            return -1;
        n = read(s->status_fd, (char *)&rec + got, sizeof rec - got);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0) {
            errno = n == 0 ? EPIPE : errno;
            return -1;
        }
        got += (size_t)n;
    }
    if (rec.reaped != 1) {
        errno = ECHILD;
        return -1;
    }
    memset(ru, 0, sizeof *ru);
    *wstatus = rec.wstatus;
    ru->ru_utime.tv_sec = (time_t)(rec.ru.utime_us / 1000000);
    ru->ru_utime.tv_usec = (suseconds_t)(rec.ru.utime_us % 1000000);
    ru->ru_stime.tv_sec = (time_t)(rec.ru.stime_us / 1000000);
    ru->ru_stime.tv_usec = (suseconds_t)(rec.ru.stime_us % 1000000);
    ru->ru_maxrss = (long)rec.ru.maxrss_kb;
    return 0;
}

int pvx_remote_wait(pvx_spawn *s, int *wstatus, struct rusage *ru)
{
    return remote_wait(s, wstatus, ru);
}

int pvx_result_add_layer(pv_run_result *r, const char *name)
{
    return add_layer(r, name, strlen(name));
}

int pvx_result_add_skip(pv_run_result *r, const char *step, const char *reason)
{
    return add_skip(r, step, reason);
}

/* Watch the child from `start` (monotonic ms) to its end, reap it and fill r. With the GIL
 * held (released while waiting). `cpu_base_ms` is CPU the child spent before the program
 * was handed to it (a warm child's set-up); it does not count against the limit. The spawn
 * is always consumed. Returns 0 or an error (the result is then not usable). */
int pvx_collect(pvx_spawn *s, pv_run_result *r, const pv_run_opts *o, bool expr,
                unsigned long start, unsigned long cpu_base_ms)
{
    pvx_control ctl;
    pvx_watch w;
    pvx_host host;
    struct rusage ru;
    int wstatus = 0, rc = 0;
    pid_t reaped, pid = s->pid;
    unsigned long cpu;

    memset(&ctl, 0, sizeof ctl);
    memset(&w, 0, sizeof w);
    pvx_host_init(&host, o, s->req);
    ctl.other_limit = o->output_kb * 1024u + PVX_CONTROL_SLACK;
    if (o->n_host_functions > 0 && s->req >= 0)
        ctl.host = &host; /* the record cap then holds one call's arguments too */
    if (buf_init(&ctl.raw, ctl.other_limit + (ctl.host ? 5 + PVX_HOST_MAX_NAME + 1 +
                                               o->max_host_bytes : 0)) < 0) {
        pvx_spawn_abort(s);
        return pv_fail(PV_ERR_NOMEM, "pv_run: out of memory");
    }
    w.pid = pid;
    w.remote = s->remote;
    w.out = s->out;
    w.err = s->err;
    w.ctl = s->ctl;
    s->out = s->err = s->ctl = -1;
    if (s->remote) {
        w.pidfd = s->pidfd; /* ours to close below */
        s->pidfd = -1;
    } else {
        w.pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    }
    w.deadline = start + (unsigned long)ceil(o->timeout_s * 1000.0);
    w.cpu_limit_ms = (unsigned long)ceil(o->cpu_s * 1000.0) + cpu_base_ms;
    w.cpu_check = start + (unsigned long)ceil(o->cpu_s * 1000.0);
    w.have_cpu_clock = clock_getcpuclockid(pid, &w.cpu_clock) == 0;

    w.prog_pidfd = -1;
    w.prog_hint = s->prog_pid;
    ctl.end_early = s->end_early && s->remote;

    Py_BEGIN_ALLOW_THREADS
    watch_loop(&w, r, &ctl);
    if (w.ended_early) {
        /* end_early(): the reported end, observed; nothing more is waited for */
        wstatus = r->done_code == '1' ? PVX_EXIT_EXCEPTION << 8 : PVX_EXIT_OK << 8;
        memset(&ru, 0, sizeof ru);
        ru.ru_maxrss = (long)w.early_rss_kb;
        reaped = pid;
    } else if (s->remote) {
        /* the watch can end with the child alive (it closed every pipe, then the grace
           ran out): the template reports only a child that ended, so end it, through the
           pidfd (it names this child and no other, even once reaped) */
        if (!w.exited && w.pidfd >= 0)
            syscall(SYS_pidfd_send_signal, w.pidfd, SIGKILL, NULL, 0u);
        /* the template killed the group and reaped the child: its report */
        reaped = remote_wait(s, &wstatus, &ru) == 0 ? pid : -1;
    } else {
        /* anything left in the group (a program without seccomp may have forked) dies
           now; the child is not reaped yet, so its pid cannot have been reused */
        kill(-pid, SIGKILL);
        do
            reaped = wait4(pid, &wstatus, 0, &ru);
        while (reaped < 0 && errno == EINTR);
    }
    Py_END_ALLOW_THREADS
    s->pid = 0;
    if (reaped != pid) {
        /* e.g. a host that set SIGCHLD to SIG_IGN: the kernel reaped the child for us */
        rc = pv_fail(PV_ERR_RUNTIME, "pv_run: cannot collect the child: %s", strerror(errno));
        goto done;
    }
    r->wall_ms = now_ms() - start;
    cpu = (unsigned long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000ul +
          (unsigned long)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000ul;
    if (w.prog_cpu_ms > cpu)
        cpu = w.prog_cpu_ms;
    r->cpu_ms = cpu > cpu_base_ms ? cpu - cpu_base_ms : 0;
    r->max_rss_kb = (unsigned long)ru.ru_maxrss;
    if (w.ctl >= 0 && !w.ended_early) /* else its writer may live on a moment */
        drain(&w.ctl, &ctl.raw);
    ctl.closed = true; /* no more host calls are answered */
    if (control_parse(&ctl, r) < 0)
        w.control_exceeded = true;

    if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == PVX_EXIT_SETUP && !r->ready) {
        const char *why = r->fatal ? r->fatal : r->nskips ? r->skips[r->nskips - 1].reason
                                                            : "no report";
        const char *step = r->nskips ? r->skips[r->nskips - 1].step : "setup";
        rc = pv_fail(PV_ERR_RUNTIME, "pv_run: the sandbox could not be set up (%s: %s)",
                     r->fatal ? "child" : step, why);
        goto done;
    }
    classify(r, &w, wstatus, o->cpu_s, o->flags, expr);
    if (w.host_exceeded && !w.timed_out && !w.cpu_exceeded && !w.output_exceeded) {
        /* this process killed it for a host-call budget or the protocol */
        r->status = PV_RUN_HOST_LIMIT;
        free(r->kill_reason);
        r->kill_reason = host.reason ? strdup(host.reason) : NULL;
        drop_exception(r);
        free(r->value);
        r->value = NULL;
    }
    if (add_layer(r, "watchdog", 8) < 0 || add_layer(r, "output_caps", 11) < 0)
        rc = pv_fail(PV_ERR_NOMEM, "pv_run: out of memory");
done:
    pvx_close_fd(&w.out);
    pvx_close_fd(&w.err);
    pvx_close_fd(&w.ctl);
    pvx_close_fd(&w.pidfd);
    pvx_close_fd(&w.prog_pidfd);
    free(ctl.raw.data);
    pvx_host_clear(&host);
    pvx_spawn_abort(s); /* the request pipe and the private directory */
    return rc;
}

/* Read what is already in the pipe (written before the child's DONE record). */
static bool drain_ready(int *fd, pvx_buf *b)
{
    for (int i = 0; i < 4096 && *fd >= 0; i++) {
        struct pollfd p = {*fd, POLLIN, 0};
        if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP)))
            return true;
        if (!drain(fd, b))
            return false;
    }
    return true;
}

int pvx_session_step(pvx_spawn *s, pv_run_result *r, const pv_run_opts *o, bool expr,
                     unsigned long start, unsigned long cpu_base_ms, const pv_run_result *tmpl,
                     bool *alive)
{
    pvx_control ctl;
    pvx_watch w;
    pvx_host host;
    struct rusage ru;
    struct timespec ts;
    int wstatus = 0, rc = 0;
    pid_t reaped, pid = s->pid;
    unsigned long cpu;

    *alive = false;
    memset(&ctl, 0, sizeof ctl);
    memset(&w, 0, sizeof w);
    for (size_t i = 0; tmpl && i < tmpl->nlayers; i++)
        if (add_layer(r, tmpl->layers[i], strlen(tmpl->layers[i])) < 0)
            return pv_fail(PV_ERR_NOMEM, "pv_session_run: out of memory");
    for (size_t i = 0; tmpl && i < tmpl->nskips; i++)
        if (add_skip(r, tmpl->skips[i].step, tmpl->skips[i].reason) < 0)
            return pv_fail(PV_ERR_NOMEM, "pv_session_run: out of memory");
    r->ready = tmpl != NULL;
    pvx_host_init(&host, o, s->req);
    ctl.until_done = true;
    ctl.other_limit = o->output_kb * 1024u + PVX_CONTROL_SLACK;
    if (o->n_host_functions > 0 && s->req >= 0)
        ctl.host = &host;
    if (buf_init(&ctl.raw, ctl.other_limit + (ctl.host ? 5 + PVX_HOST_MAX_NAME + 1 +
                                               o->max_host_bytes : 0)) < 0)
        return pv_fail(PV_ERR_NOMEM, "pv_session_run: out of memory");
    w.pid = pid;
    w.out = s->out;
    w.err = s->err;
    w.ctl = s->ctl;
    /* a template's child: its pidfd (borrowed, the spawn keeps it); ours: a pidfd of it */
    w.remote = s->remote;
    w.pidfd = s->remote ? s->pidfd : (int)syscall(SYS_pidfd_open, pid, 0);
    w.deadline = start + (unsigned long)ceil(o->timeout_s * 1000.0);
    w.cpu_limit_ms = (unsigned long)ceil(o->cpu_s * 1000.0) + cpu_base_ms;
    w.cpu_check = start + (unsigned long)ceil(o->cpu_s * 1000.0);
    if (tmpl && has_pid_layer(tmpl)) {
        pid_t prog = pvx_program_pid(pid);
        w.clock_resolved = true;
        w.have_cpu_clock = prog != pid && clock_getcpuclockid(prog, &w.cpu_clock) == 0;
    } else {
        w.have_cpu_clock = clock_getcpuclockid(pid, &w.cpu_clock) == 0;
    }

    Py_BEGIN_ALLOW_THREADS
    watch_loop(&w, r, &ctl);
    Py_END_ALLOW_THREADS
    s->out = w.out;
    s->err = w.err;
    s->ctl = w.ctl;
    if (r->done && !w.timed_out && !w.cpu_exceeded && !w.output_exceeded &&
        !w.control_exceeded && !w.host_exceeded && !w.exited && !r->value_too_large &&
        drain_ready(&s->out, &r->out) && drain_ready(&s->err, &r->err)) {
        /* the run ended and the child waits for the next one */
        r->wall_ms = now_ms() - start;
        cpu = w.have_cpu_clock && clock_gettime(w.cpu_clock, &ts) == 0
                  ? (unsigned long)ts.tv_sec * 1000ul + (unsigned long)ts.tv_nsec / 1000000ul
                  : cpu_base_ms;
        r->cpu_ms = cpu > cpu_base_ms ? cpu - cpu_base_ms : 0;
        if (r->done_code == '1' && r->exc_type) {
            r->status = strcmp(r->exc_type, "MemoryError") == 0 ? PV_RUN_MEMORY : PV_RUN_ERROR;
            r->exit_code = PVX_EXIT_EXCEPTION;
        } else {
            drop_exception(r);
            r->status = r->done_code == '0' ? PV_RUN_OK : PV_RUN_ERROR;
        }
        if (!expr || r->status != PV_RUN_OK) {
            free(r->value);
            r->value = NULL;
        }
        *alive = true;
        goto done;
    }
    /* the child ended, or this process ends it: reaped and classified as pv_run does */
    if (!w.exited)
        stop(&w);
    Py_BEGIN_ALLOW_THREADS
    if (s->remote) {
        /* the template kills the group, reaps the child and reports (its own observation) */
        if (w.pidfd >= 0)
            syscall(SYS_pidfd_send_signal, w.pidfd, SIGKILL, NULL, 0u);
        reaped = pvx_remote_wait(s, &wstatus, &ru) == 0 ? pid : -1;
    } else {
        kill(-pid, SIGKILL);
        do
            reaped = wait4(pid, &wstatus, 0, &ru);
        while (reaped < 0 && errno == EINTR);
    }
    Py_END_ALLOW_THREADS
    s->pid = 0;
    if (reaped != pid) {
        rc = pv_fail(PV_ERR_RUNTIME, "pv_session_run: cannot collect the child: %s",
                     strerror(errno));
        goto done;
    }
    r->wall_ms = now_ms() - start;
    cpu = (unsigned long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000ul +
          (unsigned long)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000ul;
    if (w.prog_cpu_ms > cpu)
        cpu = w.prog_cpu_ms;
    r->cpu_ms = cpu > cpu_base_ms ? cpu - cpu_base_ms : 0;
    r->max_rss_kb = (unsigned long)ru.ru_maxrss;
    if (!r->ready) {
        rc = pv_fail(PV_ERR_RUNTIME, "pv_session: the sandbox could not be set up (%s)",
                     r->fatal ? r->fatal : r->nskips ? r->skips[r->nskips - 1].reason
                                                      : "no report");
        goto done;
    }
    r->done = false;
    classify(r, &w, wstatus, o->cpu_s, o->flags, expr);
    if (w.host_exceeded && !w.timed_out && !w.cpu_exceeded && !w.output_exceeded) {
        r->status = PV_RUN_HOST_LIMIT;
        free(r->kill_reason);
        r->kill_reason = host.reason ? strdup(host.reason) : NULL;
        drop_exception(r);
    }
done:
    if (rc == 0 && (add_layer(r, "watchdog", 8) < 0 || add_layer(r, "output_caps", 11) < 0))
        rc = pv_fail(PV_ERR_NOMEM, "pv_session_run: out of memory");
    if (!s->remote)
        pvx_close_fd(&w.pidfd);
    free(ctl.raw.data);
    pvx_host_clear(&host);
    return rc;
}

/* The checks every pv_run makes, before it chooses where its child comes from. */
static int run_checks(pv_run_opts *o, pv_run_result **out, const pv_program *program,
                      const pv_run_opts *opts)
{
    int rc;
    if (!out)
        return pv_fail(PV_ERR_INVALID, "pv_run: out is NULL");
    *out = NULL;
    if (!program)
        return pv_fail(PV_ERR_INVALID, "pv_run: program is NULL");
    if (!pvi_ready())
        return pv_fail(PV_ERR_STATE, "pv_run: pv_init() was not called");
    rc = check_opts(o, opts);
    if (rc < 0)
        return rc;
    if (program->verdict != PV_ACCEPTED || !program->code)
        return pv_fail(PV_ERR_STATE, "pv_run: the program was not accepted");
    if (program->unverified && !(o->flags & PV_RUN_ALLOW_UNVERIFIED))
        return pv_fail(PV_ERR_STATE, "pv_run: the program was not verified "
                                     "(needs PV_RUN_ALLOW_UNVERIFIED)");
    if (!program->policy && !(o->flags & PV_RUN_NO_PYTHON_LAYER))
        return pv_fail(PV_ERR_STATE, "pv_run: the program has no policy");
    return 0;
}

int pvx_run_checks(pv_run_opts *o, pv_run_result **out, const pv_program *program,
                   const pv_run_opts *opts)
{
    return run_checks(o, out, program, opts);
}

/* pv_run's child forked from this process (run_pool.c's pv_run calls it when no template
 * can be had; run_here.h says who else may). */
int pvx_run_here(pv_run_result **out, const pv_program *program, const pv_run_opts *opts)
{
    pv_run_opts o;
    pv_run_result *r = NULL;
    pvx_py_plan py;
    pvx_spawn sp;
    PyGILState_STATE gil;
    PyObject *used;
    const pv_policy *policy;
    unsigned long start;
    int rc;

    rc = run_checks(&o, out, program, opts);
    if (rc < 0)
        return rc;
    policy = program->policy;
    gil = PyGILState_Ensure();
    rc = pvx_host_check(&o, program);
    PyGILState_Release(gil);
    if (rc < 0)
        return rc;
    r = pvx_result_new(&o);
    if (!r)
        return pv_fail(PV_ERR_NOMEM, "pv_run: out of memory");

    gil = PyGILState_Ensure();
    /* only the allowed modules this program imports (prepare.c) */
    used = policy && policy->modules ? pvx_used_modules(program->code, policy->modules) : NULL;
    rc = policy && policy->modules && !used
             ? PV_ERR_PYTHON
             : pvx_py_prepare(&py, program->code, program->mode == PV_MODE_EXPR,
                              policy ? policy->builtins_allowed : NULL, used,
                              policy ? policy->module_members : NULL, o.input_json,
                              program->globals, o.flags, o.output_kb * 1024u);
    Py_XDECREF(used);
    py.policy = policy;
    if (rc == 0 && o.n_host_functions > 0 && pvx_host_bind_opts(&py, &o) < 0) {
        pvx_py_plan_clear(&py);
        rc = PV_ERR_PYTHON;
    }
    if (rc < 0) {
        rc = pv_fail_python(rc, "pv_run");
        PyGILState_Release(gil);
        pv_run_result_free(r);
        return rc;
    }
    start = now_ms();
    rc = pvx_spawn_child(&sp, &py, &o, false);
    if (rc == 0)
        rc = pvx_collect(&sp, r, &o, program->mode == PV_MODE_EXPR, start, 0);
    pvx_py_plan_clear(&py);
    PyGILState_Release(gil);
    if (rc < 0) {
        pv_run_result_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

/* ---- accessors ------------------------------------------------------------------------------- */

pv_run_status pv_run_result_status(const pv_run_result *r) { return r ? r->status : PV_RUN_ERROR; }
int pv_run_result_exit_code(const pv_run_result *r) { return r ? r->exit_code : -1; }
int pv_run_result_signal(const pv_run_result *r) { return r ? r->signal : 0; }

const char *pv_run_result_stdout(const pv_run_result *r, size_t *len)
{
    if (len)
        *len = r ? r->out.len : 0;
    return r ? r->out.data : NULL;
}

const char *pv_run_result_stderr(const pv_run_result *r, size_t *len)
{
    if (len)
        *len = r ? r->err.len : 0;
    return r ? r->err.data : NULL;
}

int pv_run_result_stdout_truncated(const pv_run_result *r) { return r && r->out.truncated; }
int pv_run_result_stderr_truncated(const pv_run_result *r) { return r && r->err.truncated; }
unsigned long pv_run_result_cpu_ms(const pv_run_result *r) { return r ? r->cpu_ms : 0; }
unsigned long pv_run_result_wall_ms(const pv_run_result *r) { return r ? r->wall_ms : 0; }
unsigned long pv_run_result_max_rss_kb(const pv_run_result *r) { return r ? r->max_rss_kb : 0; }
const char *pv_run_result_exception_type(const pv_run_result *r) { return r ? r->exc_type : NULL; }

const char *pv_run_result_exception_message(const pv_run_result *r)
{
    return r ? r->exc_message : NULL;
}

unsigned pv_run_result_exception_line(const pv_run_result *r) { return r ? r->exc_line : 0; }
const char *pv_run_result_value(const pv_run_result *r) { return r ? r->value : NULL; }
size_t pv_run_result_layer_count(const pv_run_result *r) { return r ? r->nlayers : 0; }

const char *pv_run_result_layer(const pv_run_result *r, size_t i)
{
    return r && i < r->nlayers ? r->layers[i] : NULL;
}

size_t pv_run_result_skipped_count(const pv_run_result *r) { return r ? r->nskips : 0; }

const char *pv_run_result_skipped_step(const pv_run_result *r, size_t i)
{
    return r && i < r->nskips ? r->skips[i].step : NULL;
}

const char *pv_run_result_skipped_reason(const pv_run_result *r, size_t i)
{
    return r && i < r->nskips ? r->skips[i].reason : NULL;
}

const char *pv_run_result_kill_reason(const pv_run_result *r) { return r ? r->kill_reason : NULL; }

void pv_run_result_free(pv_run_result *r)
{
    if (!r)
        return;
    free(r->out.data);
    free(r->err.data);
    free(r->exc_type);
    free(r->exc_message);
    free(r->value);
    free(r->kill_reason);
    free(r->audit_event);
    free(r->fatal);
    for (size_t i = 0; i < r->nlayers; i++)
        free(r->layers[i]);
    free(r->layers);
    for (size_t i = 0; i < r->nskips; i++) {
        free(r->skips[i].step);
        free(r->skips[i].reason);
    }
    free(r->skips);
    free(r);
}
