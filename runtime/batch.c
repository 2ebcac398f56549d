/*
 * batch.c: pv_run_batch(), many expressions in one sandboxed child (issue 19).
 *
 * The parent verifies nothing here (the caller did: one pv_program per item, shared when
 * the text repeats) and checks every input against its program's declared globals. It
 * forks a warm child (spawn.c; its life is batch_child.c: phase 0 done, the policy's
 * builtins and proxies prepared as for pv_runner) and sends it, over the request socket,
 * every distinct code object (marshalled from the verified objects) and every item: its
 * index, its code, its input.
 * The child applies phase 1 (rlimits with the batch's CPU, no_new_privs, Landlock,
 * seccomp), makes every item's code the program's for the guard, arms the audit hook and
 * runs the items in order, each with fresh globals (a copy of the prepared globals with a
 * copy of the builtins dict, then the item's inputs), and writes one PVX_REC_ITEM record per
 * item on the control pipe.
 *
 * The child is untrusted once the first item starts. The parent takes records only in
 * order, one per item it sent, each bounded and checked (kind, sizes, printable ASCII
 * JSON). It measures each item's CPU on the program's CPU clock from the moment it read the
 * previous record, kills the child when an item passes item_cpu_s (the item is "cpu") and
 * forks a fresh child for the rest. The batch's wall clock and CPU end it: the running item
 * is "timeout"/"cpu", the rest "not_run". A child that dies during an item (audit hook,
 * seccomp, crash) gives that item the status and the rest go on in a fresh child.
 */
#include "internal.h"
#include "runtime.h"
#include "template.h"
#include "warm.h"

#include <marshal.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PVB_MAX_EXC_TYPE 256u
#define PVB_SETUP_GRACE_MS 5000u /* a fresh child's set-up, within the batch's wall clock */

typedef struct pvb_item {
    pv_run_status status;
    char *value, *exc_type, *exc_message, *reason; /* owned or NULL */
    unsigned line;
    unsigned long cpu_us;
    bool runnable; /* accepted and a valid input: sent to a child */
    bool done;
} pvb_item;

typedef struct pvb_skip {
    char *step, *reason;
} pvb_skip;

struct pv_batch_result {
    size_t n;
    pvb_item *items;
    char **layers;
    size_t nlayers;
    pvb_skip *skips;
    size_t nskips;
    unsigned children;
    unsigned long wall_ms, cpu_ms;
};

/* ---- the parent ------------------------------------------------------------------------- */

static char *dupn(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static char *clean(const char *s, size_t n, size_t max)
{
    char *p;
    if (n > max)
        n = max;
    p = dupn(s, n);
    if (p)
        for (char *c = p; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                *c = '?';
    return p;
}

/* A skipped step of the batch, taking step and reason (malloc'd; either NULL: out of memory,
 * both freed): 0, or -1 when it could not be kept. */
static int add_skip(pv_batch_result *res, char *step, char *reason)
{
    pvb_skip *v = step && reason ? realloc(res->skips, (res->nskips + 1) * sizeof *v) : NULL;
    if (!v) {
        free(step);
        free(reason);
        return -1;
    }
    res->skips = v;
    v[res->nskips].step = step;
    v[res->nskips].reason = reason;
    res->nskips++;
    return 0;
}

/* reason = fmt with its one "%s" replaced by arg */
static void set_reason(pvb_item *it, const char *fmt, const char *arg)
{
    char buf[512];
    const char *s = strstr(fmt, "%s");
    size_t pre = s ? (size_t)(s - fmt) : strlen(fmt);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)pre, fmt, arg ? arg : "", s ? s + 2 : "");
    free(it->reason);
    it->reason = strdup(buf);
}

static void item_clear(pvb_item *it)
{
    free(it->value);
    free(it->exc_type);
    free(it->exc_message);
    it->value = it->exc_type = it->exc_message = NULL;
    it->line = 0;
}

static unsigned long cpu_us_of(clockid_t clk, bool have)
{
    struct timespec ts;
    if (!have || clock_gettime(clk, &ts) != 0)
        return 0;
    return (unsigned long)ts.tv_sec * 1000000ul + (unsigned long)ts.tv_nsec / 1000ul;
}

/* A checked value text: printable ASCII (json.dumps with ensure_ascii), bounded. */
static bool value_ok(const char *p, size_t n, size_t max)
{
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7e)
            return false;
    return true;
}

typedef struct pvb_run {
    pv_batch_result *res;
    const pv_run_opts *o;
    unsigned long item_cpu_us, batch_cpu_us, cpu_used_us, deadline;
    size_t *order;  /* indices of runnable items, in order */
    size_t norder, next; /* next: position in order of the first item not yet reported */
    bool stop;      /* the batch's limits ran out */
    pvx_template *tmpl; /* the clean template that forks the children, or NULL: this process */
} pvb_run;

/* Parse complete records in buf[*parsed..len). Returns 0, 1 right after READY, or -1 on a
 * protocol violation (why set; *blame the order position to blame). */
static int parse_records(pvb_run *st, const char *buf, size_t len, size_t *parsed, bool *ready,
                         pv_batch_result *res, bool first_child, char **audit,
                         unsigned long *item_base, clockid_t clk, bool have_clk,
                         const char **why, size_t *blame)
{
    size_t max_value = st->o->output_kb * 1024u;
    while (len - *parsed >= 5) {
        const char *p = buf + *parsed;
        uint32_t n;
        const char *pl;
        memcpy(&n, p + 1, 4);
        if (n > max_value + PVX_MAX_MESSAGE + 1024u) {
            /* no record is that long: a length that would swallow the records after it */
            *why = "a record over the size limit";
            *blame = st->next;
            return -1;
        }
        if (len - *parsed - 5 < n)
            break;
        pl = p + 5;
        *parsed += 5 + (size_t)n;
        if (!*ready) {
            if (p[0] == PVX_REC_READY) {
                *ready = true;
                return 1; /* the caller finds the program's CPU clock, then parses on */
            } else if (first_child && p[0] == PVX_REC_LAYER) {
                char **v = realloc(res->layers, (res->nlayers + 1) * sizeof *v);
                if (v) {
                    res->layers = v;
                    if ((v[res->nlayers] = clean(pl, n, 64)))
                        res->nlayers++;
                }
            } else if (first_child && p[0] == PVX_REC_FAIL) {
                size_t a = strnlen(pl, n);
                /* child data: a record that cannot be kept is dropped */
                (void)add_skip(res, clean(pl, a, 64),
                               a < n ? clean(pl + a + 1, n - a - 1, 512) : strdup(""));
            }
            continue;
        }
        if (p[0] == PVX_REC_AUDIT) {
            if (!*audit)
                *audit = clean(pl, strnlen(pl, n), 1024);
            continue;
        }
        if (p[0] != PVX_REC_ITEM) {
            /* the runtime writes nothing else after READY: a program's own writing (the
               Python layer off, or native code), which must not keep the parent reading */
            *why = "a record of an unknown type";
            *blame = st->next;
            return -1;
        }
        {
            uint32_t idx;
            pvb_item *it;
            unsigned long now_cpu;
            if (n < 5) {
                *why = "a malformed record";
                *blame = st->next;
                return -1;
            }
            memcpy(&idx, pl, 4);
            if (st->next >= st->norder || idx != st->order[st->next]) {
                /* a repeat of a reported item blames that item; anything else the running one */
                *why = "a record out of order";
                *blame = st->next;
                for (size_t k = st->next; k-- > 0;)
                    if (st->order[k] == idx) {
                        *blame = k;
                        break;
                    }
                return -1;
            }
            it = &res->items[idx];
            item_clear(it);
            if (pl[4] == KIND_VALUE && value_ok(pl + 5, n - 5, max_value)) {
                it->value = dupn(pl + 5, n - 5);
                it->status = PV_RUN_OK;
            } else if (pl[4] == KIND_BIG && n == 5) {
                it->status = PV_RUN_OUTPUT;
                set_reason(it, "the value is over the output cap%s", NULL);
            } else if (pl[4] == KIND_EXC) {
                const char *q = pl + 5;
                size_t m = n - 5, a = strnlen(q, m), b = a < m ? strnlen(q + a + 1, m - a - 1) : 0;
                char num[12] = "";
                if (a == 0 || a >= m || a + 1 + b >= m) {
                    *why = "a malformed exception record";
                    *blame = st->next;
                    return -1;
                }
                it->exc_type = clean(q, a, PVB_MAX_EXC_TYPE);
                it->exc_message = dupn(q + a + 1, b < PVX_MAX_MESSAGE ? b : PVX_MAX_MESSAGE);
                if (m - (a + b + 2) < sizeof num) {
                    unsigned long l;
                    memcpy(num, q + a + b + 2, m - (a + b + 2));
                    num[m - (a + b + 2)] = '\0';
                    l = strtoul(num, NULL, 10);
                    it->line = l > 0xFFFFFFFFul ? 0 : (unsigned)l;
                }
                it->status = it->exc_type && strcmp(it->exc_type, "MemoryError") == 0
                                 ? PV_RUN_MEMORY : PV_RUN_ERROR;
            } else {
                *why = "a malformed value record";
                *blame = st->next;
                return -1;
            }
            now_cpu = cpu_us_of(clk, have_clk);
            it->cpu_us = now_cpu > *item_base ? now_cpu - *item_base : 0;
            st->cpu_used_us += it->cpu_us;
            *item_base = now_cpu;
            it->done = true;
            st->next++;
        }
    }
    return 0;
}

/* Mark the item at order position `pos` with a parent-decided status. */
static void decide(pvb_run *st, size_t pos, pv_run_status status, const char *fmt,
                   const char *arg)
{
    pvb_item *it = &st->res->items[st->order[pos]];
    item_clear(it);
    it->status = status;
    it->done = true;
    set_reason(it, fmt, arg);
}

static void discard(int *fd)
{
    char chunk[16384];
    ssize_t n = read(*fd, chunk, sizeof chunk);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
        close(*fd);
        *fd = -1;
    }
}

/* One child for the items from order position st->next on. GIL held on entry and exit.
 * Returns 0 (some items may remain: call again), or an error for the whole call. */
static int run_child(pvb_run *st, pvx_py_plan *base, const char *req, size_t req_len,
                     const char *body_tail, size_t tail_len, const pvb_header *h0,
                     bool first_child)
{
    pvx_spawn sp;
    pv_run_opts o = *st->o;
    pvb_header h = *h0;
    char *buf = NULL;
    size_t len = 0, cap = 0, parsed = 0, blame = 0;
    bool ready = false, have_clk = false, exited = false, had_data = false;
    char *audit = NULL;
    const char *why = NULL;
    unsigned long item_base = 0, ready_cpu = 0, setup_deadline;
    clockid_t clk = 0;
    int wstatus = 0, rc, pidfd;
    size_t start_pos = st->next;
    enum { GO, KILL_ITEM_CPU, KILL_BATCH_CPU, KILL_WALL, KILL_PROTOCOL, DIED } outcome = GO;

    rc = st->tmpl ? pvx_template_take_kind(st->tmpl, &sp, PVX_TEMPLATE_BATCH, &o, 0)
                  : pvx_spawn_child(&sp, base, &o, true);
    if (rc < 0)
        return rc;
    st->res->children++;
    /* the child's RLIMIT_CPU: what is left of the batch's CPU (a backstop; the parent
       enforces the exact figures) */
    h.cpu_s = (double)(st->batch_cpu_us - (st->cpu_used_us < st->batch_cpu_us ? st->cpu_used_us
                                                                               : st->batch_cpu_us)) / 1e6;
    if (h.cpu_s < 0.01)
        h.cpu_s = 0.01;
    {
        /* the child reads its items right after phase 0; a loaded machine may be slow */
        struct timeval tv = {10, 0};
        (void)setsockopt(sp.req, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    h.body_len = req_len + tail_len;
    if (pvx_send_full(sp.req, &h, sizeof h) < 0 || pvx_send_full(sp.req, req, req_len) < 0 ||
        pvx_send_full(sp.req, body_tail, tail_len) < 0) {
        pvx_spawn_abort(&sp);
        return pv_fail(PV_ERR_RUNTIME, "pv_run_batch: the batch child did not take its items");
    }
    close(sp.req);
    sp.req = -1;
    /* a template's child: a copy of its pidfd (the spawn keeps its own) */
    pidfd = sp.remote ? fcntl(sp.pidfd, F_DUPFD_CLOEXEC, 0)
                      : (int)syscall(SYS_pidfd_open, sp.pid, 0);
    setup_deadline = pvx_now_ms() + PVB_SETUP_GRACE_MS;

    Py_BEGIN_ALLOW_THREADS
    for (;;) {
        struct pollfd pfd[4];
        int nfd = 0, ictl = -1, iout = -1, ierr = -1, ipid = -1;
        unsigned long now = pvx_now_ms();
        long timeout;

        if (now >= st->deadline || (!ready && now >= setup_deadline)) {
            outcome = KILL_WALL;
            break;
        }
        /* the CPU is judged only with the control pipe drained: records still unread are
           items that finished, and their CPU is not the running item's */
        if (ready && !had_data && st->next < st->norder) {
            unsigned long c = cpu_us_of(clk, have_clk);
            unsigned long used = c > item_base ? c - item_base : 0;
            if (used > st->item_cpu_us) {
                outcome = KILL_ITEM_CPU;
                break;
            }
            if (st->cpu_used_us + used > st->batch_cpu_us) {
                outcome = KILL_BATCH_CPU;
                break;
            }
        }
        had_data = false;
        if (sp.ctl >= 0) {
            pfd[nfd] = (struct pollfd){sp.ctl, POLLIN, 0};
            ictl = nfd++;
        }
        if (sp.out >= 0) {
            pfd[nfd] = (struct pollfd){sp.out, POLLIN, 0};
            iout = nfd++;
        }
        if (sp.err >= 0) {
            pfd[nfd] = (struct pollfd){sp.err, POLLIN, 0};
            ierr = nfd++;
        }
        if (pidfd >= 0) {
            pfd[nfd] = (struct pollfd){pidfd, POLLIN, 0};
            ipid = nfd++;
        }
        timeout = (long)(st->deadline - now);
        if (!ready && (long)(setup_deadline - now) < timeout)
            timeout = (long)(setup_deadline - now);
        if (ready && st->next < st->norder) {
            long t = (long)(st->item_cpu_us / 1000u) / 4 + 1;
            if (t < timeout)
                timeout = t;
        }
        if (pidfd < 0 && timeout > 10)
            timeout = 10;
        if (poll(pfd, (nfds_t)nfd, (int)timeout) < 0 && errno != EINTR) {
            outcome = KILL_WALL;
            break;
        }
        if (iout >= 0 && (pfd[iout].revents & (POLLIN | POLLHUP | POLLERR)))
            discard(&sp.out);
        if (ierr >= 0 && (pfd[ierr].revents & (POLLIN | POLLHUP | POLLERR)))
            discard(&sp.err);
        if (ictl >= 0 && (pfd[ictl].revents & (POLLIN | POLLHUP | POLLERR))) {
            char chunk[65536];
            ssize_t n = read(sp.ctl, chunk, sizeof chunk);
            bool was_ready = ready;
            if (n > 0) {
                had_data = true;
                /* bound what one record may hold: a value, an exception, slack */
                size_t limit = st->o->output_kb * 1024u + PVX_MAX_MESSAGE + 64u * 1024u;
                if (len + (size_t)n > cap) {
                    size_t ncap = cap ? cap * 2 : 65536;
                    char *nb;
                    while (ncap < len + (size_t)n)
                        ncap *= 2;
                    nb = realloc(buf, ncap);
                    if (!nb) {
                        why = "out of memory";
                        blame = st->next;
                        outcome = KILL_PROTOCOL;
                        break;
                    }
                    buf = nb;
                    cap = ncap;
                }
                memcpy(buf + len, chunk, (size_t)n);
                len += (size_t)n;
                int prc = parse_records(st, buf, len, &parsed, &ready, st->res, first_child,
                                        &audit, &item_base, clk, have_clk, &why, &blame);
                if (prc == 1 && !was_ready) {
                    /* the program's CPU clock (below the pid namespace when there is one) */
                    pid_t prog = pvx_program_pid(sp.pid);
                    have_clk = clock_getcpuclockid(prog, &clk) == 0;
                    ready_cpu = item_base = cpu_us_of(clk, have_clk);
                    (void)ready_cpu;
                    prc = parse_records(st, buf, len, &parsed, &ready, st->res, first_child,
                                        &audit, &item_base, clk, have_clk, &why, &blame);
                }
                if (prc < 0) {
                    outcome = KILL_PROTOCOL;
                    break;
                }
                if (parsed == len) {
                    len = parsed = 0;
                } else if (len - parsed > limit) {
                    why = "a record over the size limit";
                    blame = st->next;
                    outcome = KILL_PROTOCOL;
                    break;
                }
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                close(sp.ctl);
                sp.ctl = -1;
            }
        }
        if ((ipid >= 0 && (pfd[ipid].revents & POLLIN)) || (pidfd < 0 && sp.ctl < 0)) {
            /* gone: take what is left on the control pipe, then reap */
            if (sp.ctl >= 0) {
                char chunk[65536];
                ssize_t n;
                while ((n = read(sp.ctl, chunk, sizeof chunk)) > 0) {
                    char *nb = len + (size_t)n > cap ? realloc(buf, len + (size_t)n) : buf;
                    if (!nb)
                        break;
                    buf = nb;
                    if (len + (size_t)n > cap)
                        cap = len + (size_t)n;
                    memcpy(buf + len, chunk, (size_t)n);
                    len += (size_t)n;
                }
                int prc;
                while ((prc = parse_records(st, buf, len, &parsed, &ready, st->res, first_child,
                                            &audit, &item_base, clk, have_clk, &why,
                                            &blame)) == 1)
                    ;
                if (prc < 0) {
                    outcome = KILL_PROTOCOL;
                    break;
                }
            }
            exited = true;
            outcome = DIED;
            break;
        }
    }
    if (outcome == DIED && sp.remote) {
        /* the template killed its group and reaped it: its report */
        struct rusage ru;
        if (pvx_remote_wait(&sp, &wstatus, &ru) == 0)
            sp.pid = 0;
    } else if (outcome == DIED) {
        pid_t r;
        kill(-sp.pid, SIGKILL); /* not reaped yet: the pid is still the child's */
        do
            r = waitpid(sp.pid, &wstatus, 0);
        while (r < 0 && errno == EINTR);
        if (r == sp.pid)
            sp.pid = 0;
    }
    if (ready && outcome != DIED) {
        /* killed: the running item's CPU so far counts against the batch */
        unsigned long c = cpu_us_of(clk, have_clk);
        if (outcome != KILL_ITEM_CPU && c > item_base)
            st->cpu_used_us += c - item_base;
    }
    Py_END_ALLOW_THREADS
    (void)exited;
    if (pidfd >= 0)
        close(pidfd);
    pvx_spawn_abort(&sp); /* kills what is left, the pipes, the private directory */

    rc = 0;
    if (!ready && outcome == DIED && WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == PVX_EXIT_SETUP) {
        rc = pv_fail(PV_ERR_RUNTIME, "pv_run_batch: the sandbox could not be set up");
        goto done;
    }
    if (st->next >= st->norder && outcome != KILL_PROTOCOL)
        goto done; /* every item reported */
    switch (outcome) {
    case KILL_ITEM_CPU: {
        char lim[32];
        snprintf(lim, sizeof lim, "%lu", st->item_cpu_us / 1000u);
        st->cpu_used_us += st->item_cpu_us;
        decide(st, st->next, PV_RUN_CPU, "the expression's CPU limit (%s ms)", lim);
        st->res->items[st->order[st->next]].cpu_us = st->item_cpu_us;
        st->next++;
        break;
    }
    case KILL_BATCH_CPU:
        decide(st, st->next, PV_RUN_CPU, "the batch's CPU limit%s", NULL);
        st->next++;
        st->stop = true;
        break;
    case KILL_WALL:
        if (!ready && st->next == start_pos && pvx_now_ms() < st->deadline) {
            rc = pv_fail(PV_ERR_RUNTIME, "pv_run_batch: the batch child did not get ready");
            goto done;
        }
        decide(st, st->next, PV_RUN_TIMEOUT, "the batch's wall-clock limit%s", NULL);
        st->next++;
        st->stop = true;
        break;
    case KILL_PROTOCOL:
        /* only an item this child was given can be blamed; else the running one (so that a
           fresh child never starts where this one did) */
        if (blame < start_pos)
            blame = st->next;
        if (blame < st->next) {
            /* an item already taken: its record is not to be believed */
            decide(st, blame, PV_RUN_KILLED, "protocol: %s", why);
        } else if (blame < st->norder) {
            decide(st, blame, PV_RUN_KILLED, "protocol: %s", why);
            st->next = blame + 1;
        }
        break;
    case DIED:
        if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == PVX_EXIT_AUDIT && audit &&
            !(st->o->flags & PV_RUN_NO_PYTHON_LAYER)) {
            decide(st, st->next, PV_RUN_KILLED, "audit: %s", audit);
        } else if (WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGSYS) {
            decide(st, st->next, PV_RUN_KILLED, "seccomp%s", NULL);
        } else if (WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGXCPU) {
            decide(st, st->next, PV_RUN_CPU, "the batch's CPU limit%s", NULL);
            st->stop = true;
        } else if (WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL) {
            decide(st, st->next, PV_RUN_KILLED, "killed (SIGKILL)%s", NULL);
        } else if (WIFSIGNALED(wstatus)) {
            decide(st, st->next, PV_RUN_CRASHED, "signal %s", strsignal(WTERMSIG(wstatus)));
        } else {
            char code[16];
            snprintf(code, sizeof code, "%d", WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
            decide(st, st->next, PV_RUN_CRASHED, "the child exited (%s) without a result", code);
        }
        st->next++;
        break;
    case GO:
        break;
    }
done:
    free(buf);
    free(audit);
    return rc;
}

static int check_batch_opts(pv_batch_opts *b, const pv_batch_opts *in)
{
    pv_batch_opts d = PV_BATCH_OPTS_INIT;
    *b = in ? *in : d;
    if (b->version != PV_BATCH_OPTS_VERSION)
        return pv_fail(PV_ERR_INVALID, "pv_run_batch: pv_batch_opts.version must be %d",
                       PV_BATCH_OPTS_VERSION);
    if (b->item_cpu_s == 0)
        b->item_cpu_s = d.item_cpu_s;
    if (b->max_items == 0)
        b->max_items = d.max_items;
    if (b->max_bytes == 0)
        b->max_bytes = d.max_bytes;
    if (!(b->item_cpu_s >= 0.001 && b->item_cpu_s <= 3600.0))
        return pv_fail(PV_ERR_INVALID, "pv_run_batch: item_cpu_s must be in [0.001, 3600]");
    if (b->max_items > PVB_MAX_ITEMS_HARD || b->max_bytes > PVB_MAX_BYTES_HARD)
        return pv_fail(PV_ERR_INVALID, "pv_run_batch: max_items is at most %u, max_bytes %u",
                       PVB_MAX_ITEMS_HARD, PVB_MAX_BYTES_HARD);
    return 0;
}

static int grow(char **buf, size_t *len, size_t *cap, const void *p, size_t n)
{
    if (*len + n > *cap) {
        size_t c = *cap ? *cap : 65536;
        char *nb;
        while (c < *len + n)
            c *= 2;
        nb = realloc(*buf, c);
        if (!nb)
            return -1;
        *buf = nb;
        *cap = c;
    }
    memcpy(*buf + *len, p, n);
    *len += n;
    return 0;
}

int pv_run_batch(pv_batch_result **out, const pv_batch_item *items, size_t n,
                 const pv_run_opts *opts, const pv_batch_opts *batch_opts)
{
    pv_run_opts o;
    pv_batch_opts bo;
    pv_batch_result *res = NULL;
    const pv_policy *policy = NULL;
    pvx_py_plan base;
    bool have_base = false;
    PyGILState_STATE gil;
    PyObject *code_ids = NULL, *scratch = NULL;
    char *codes = NULL, *body = NULL;
    size_t codes_len = 0, codes_cap = 0, body_len = 0, body_cap = 0, total = 0;
    size_t *offsets = NULL; /* body offset of the item at each order position */
    uint32_t ncodes = 0;
    bool any_import = false;
    PyObject *no_modules = NULL;
    pvb_run st;
    pvb_header h;
    unsigned long start;
    int rc = 0;

    if (!out)
        return pv_fail(PV_ERR_INVALID, "pv_run_batch: out is NULL");
    *out = NULL;
    if (n > 0 && !items)
        return pv_fail(PV_ERR_INVALID, "pv_run_batch: items is NULL");
    if (!pvi_ready())
        return pv_fail(PV_ERR_STATE, "pv_run_batch: pv_init() was not called");
    if ((rc = pvx_check_opts(&o, opts)) < 0 || (rc = check_batch_opts(&bo, batch_opts)) < 0)
        return rc;
    if (o.stdin_data || o.input_json)
        return pv_fail(PV_ERR_INVALID, "pv_run_batch: stdin and input_json are per item "
                                       "(pv_batch_item), not per batch");
    if (n > bo.max_items)
        return pv_fail(PV_ERR_INVALID, "pv_run_batch: %zu items, over the limit of %zu", n,
                       bo.max_items);
    for (size_t i = 0; i < n; i++) {
        const pv_program *p = items[i].program;
        if (!p)
            return pv_fail(PV_ERR_INVALID, "pv_run_batch: item %zu has no program", i);
        if (p->mode != PV_MODE_EXPR)
            return pv_fail(PV_ERR_INVALID, "pv_run_batch: item %zu is not an expression", i);
        if (!policy)
            policy = p->policy;
        else if (p->policy != policy)
            return pv_fail(PV_ERR_INVALID, "pv_run_batch: items of different policies");
        if (p->unverified && !(o.flags & PV_RUN_ALLOW_UNVERIFIED))
            return pv_fail(PV_ERR_STATE, "pv_run_batch: item %zu was not verified "
                                         "(needs PV_RUN_ALLOW_UNVERIFIED)", i);
        total += items[i].input_json ? strlen(items[i].input_json) : 0;
        if (total > bo.max_bytes)
            return pv_fail(PV_ERR_INVALID, "pv_run_batch: the inputs are over the limit of "
                                           "%zu bytes", bo.max_bytes);
    }
    if (!policy && n > 0 && !(o.flags & PV_RUN_NO_PYTHON_LAYER))
        return pv_fail(PV_ERR_STATE, "pv_run_batch: the programs have no policy");
    res = calloc(1, sizeof *res);
    if (!res || !(res->items = calloc(n ? n : 1, sizeof *res->items)) ||
        !(offsets = calloc(n ? n : 1, sizeof *offsets))) {
        pv_batch_result_free(res);
        return pv_fail(PV_ERR_NOMEM, "pv_run_batch: out of memory");
    }
    res->n = n;
    memset(&st, 0, sizeof st);
    st.res = res;
    st.o = &o;
    st.order = calloc(n ? n : 1, sizeof *st.order);
    if (!st.order) {
        free(offsets);
        pv_batch_result_free(res);
        return pv_fail(PV_ERR_NOMEM, "pv_run_batch: out of memory");
    }
    start = pvx_now_ms();

    gil = PyGILState_Ensure();
    code_ids = PyDict_New();
    scratch = PyDict_New();
    if (!code_ids || !scratch) {
        rc = pv_fail_python(PV_ERR_PYTHON, "pv_run_batch");
        goto done;
    }
    /* each distinct program's code once; each runnable item: index, code, input */
    for (size_t i = 0; i < n; i++) {
        const pv_program *p = items[i].program;
        pvb_item *it = &res->items[i];
        PyObject *key, *id;
        uint32_t hdr[3];
        const char *in = items[i].input_json;
        it->status = PV_RUN_NOT_RUN;
        if (p->verdict != PV_ACCEPTED || !p->code) {
            it->status = PV_RUN_REJECTED;
            it->done = true;
            set_reason(it, "verification: %s",
                       p->verdict == PV_INVALID ? "the program could not be checked"
                                                : "rejected");
            continue;
        }
        if (in) {
            int brc;
            PyDict_Clear(scratch);
            brc = pvx_py_bind(scratch, in, p->globals);
            if (brc < 0) {
                PyObject *t, *v, *tb, *s;
                PyErr_Fetch(&t, &v, &tb);
                s = v ? PyObject_Str(v) : NULL;
                it->status = PV_RUN_REJECTED;
                it->done = true;
                set_reason(it, "input: %s", s && PyUnicode_Check(s) ? PyUnicode_AsUTF8(s) : "not usable");
                PyErr_Clear();
                Py_XDECREF(s);
                Py_XDECREF(t);
                Py_XDECREF(v);
                Py_XDECREF(tb);
                continue;
            }
        }
        key = PyLong_FromVoidPtr((void *)p);
        id = key ? PyDict_GetItemWithError(code_ids, key) : NULL;
        if (!key || (!id && PyErr_Occurred())) {
            Py_XDECREF(key);
            rc = pv_fail_python(PV_ERR_PYTHON, "pv_run_batch");
            goto done;
        }
        if (!id) {
            PyObject *bytes = PyMarshal_WriteObjectToString(p->code, Py_MARSHAL_VERSION);
            char *c;
            Py_ssize_t cl;
            uint32_t l32;
            if (!bytes || PyBytes_AsStringAndSize(bytes, &c, &cl) < 0 ||
                !(id = PyLong_FromUnsignedLong(ncodes)) || PyDict_SetItem(code_ids, key, id) < 0) {
                Py_XDECREF(bytes);
                Py_XDECREF(key);
                rc = pv_fail_python(PV_ERR_PYTHON, "pv_run_batch: marshal");
                goto done;
            }
            Py_DECREF(id); /* the dict holds it */
            l32 = (uint32_t)cl;
            total += (size_t)cl;
            if (total > bo.max_bytes || (size_t)cl > UINT32_MAX) {
                Py_DECREF(bytes);
                Py_DECREF(key);
                rc = pv_fail(PV_ERR_INVALID, "pv_run_batch: the items are over the limit of "
                                             "%zu bytes", bo.max_bytes);
                goto done;
            }
            if (grow(&codes, &codes_len, &codes_cap, &l32, 4) < 0 ||
                grow(&codes, &codes_len, &codes_cap, c, (size_t)cl) < 0) {
                Py_DECREF(bytes);
                Py_DECREF(key);
                rc = pv_fail(PV_ERR_NOMEM, "pv_run_batch: out of memory");
                goto done;
            }
            Py_DECREF(bytes);
            ncodes++;
            if (!any_import && policy && policy->modules) {
                PyObject *used = pvx_used_modules(p->code, policy->modules);
                if (!used) {
                    Py_DECREF(key);
                    rc = pv_fail_python(PV_ERR_PYTHON, "pv_run_batch");
                    goto done;
                }
                any_import = PySet_GET_SIZE(used) > 0;
                Py_DECREF(used);
            }
        }
        hdr[0] = (uint32_t)i;
        hdr[1] = (uint32_t)PyLong_AsUnsignedLong(id);
        hdr[2] = in ? (uint32_t)strlen(in) : 0;
        Py_DECREF(key);
        offsets[st.norder] = body_len;
        if (grow(&body, &body_len, &body_cap, hdr, sizeof hdr) < 0 ||
            (hdr[2] && grow(&body, &body_len, &body_cap, in, hdr[2]) < 0)) {
            rc = pv_fail(PV_ERR_NOMEM, "pv_run_batch: out of memory");
            goto done;
        }
        it->runnable = true;
        st.order[st.norder++] = i;
    }
    if (st.norder == 0)
        goto done;
    /* as pv_run (prepare.c): no module at all when no item imports one */
    no_modules = any_import || !policy || !policy->modules ? NULL : PySet_New(NULL);
    if (!any_import && policy && policy->modules && !no_modules) {
        rc = pv_fail_python(PV_ERR_PYTHON, "pv_run_batch");
        goto done;
    }
    rc = pvx_py_prepare(&base, NULL, true, policy ? policy->builtins_allowed : NULL,
                        no_modules ? no_modules : policy ? policy->modules : NULL,
                        policy ? policy->module_members : NULL, NULL, NULL, o.flags,
                        o.output_kb * 1024u);
    if (rc < 0) {
        rc = pv_fail_python(rc, "pv_run_batch");
        goto done;
    }
    have_base = true;
    base.policy = policy;
    base.batch = true;
    st.item_cpu_us = (unsigned long)ceil(bo.item_cpu_s * 1e6);
    st.batch_cpu_us = (unsigned long)ceil(o.cpu_s * 1e6);
    st.deadline = start + (unsigned long)ceil(o.timeout_s * 1000.0);
    {
        /* the children come from a clean template, which never held this process's memory;
           only when none can be started are they forked here (the step "template" skipped) */
        char why[256];
        if (pvx_template_for_kind(&st.tmpl, policy, o.flags, why, sizeof why) == 1 &&
            add_skip(res, strdup("template"), strdup(why)) < 0) {
            rc = pv_fail(PV_ERR_NOMEM, "pv_run_batch: out of memory");
            goto done;
        }
    }
    memset(&h, 0, sizeof h);
    h.magic = PVB_MAGIC;
    h.ncodes = ncodes;
    h.memory_mb = o.memory_mb;
    h.max_value = o.output_kb * 1024u;
    while (st.next < st.norder && !st.stop) {
        size_t off = offsets[st.next];
        h.nitems = (uint32_t)(st.norder - st.next);
        rc = run_child(&st, &base, codes, codes_len, body + off, body_len - off, &h,
                       res->children == 0);
        if (rc < 0)
            goto done;
    }
    for (size_t k = st.next; k < st.norder; k++)
        if (!res->items[st.order[k]].done)
            decide(&st, k, PV_RUN_NOT_RUN, "the batch's limits ran out first%s", NULL);
    res->cpu_ms = st.cpu_used_us / 1000u;
    {
        char **v = realloc(res->layers, (res->nlayers + 1) * sizeof *v);
        if (v) {
            res->layers = v;
            if ((v[res->nlayers] = strdup("watchdog")))
                res->nlayers++;
        }
    }
done:
    pvx_template_release(st.tmpl); /* back to its cache (template_kind.c) */
    if (have_base)
        pvx_py_plan_clear(&base);
    Py_XDECREF(code_ids);
    Py_XDECREF(scratch);
    Py_XDECREF(no_modules);
    PyGILState_Release(gil);
    free(codes);
    free(body);
    free(offsets);
    free(st.order);
    if (rc < 0) {
        pv_batch_result_free(res);
        return rc;
    }
    res->wall_ms = pvx_now_ms() - start;
    *out = res;
    return 0;
}

/* ---- accessors ------------------------------------------------------------------------------ */

static const pvb_item *item_at(const pv_batch_result *r, size_t i)
{
    return r && i < r->n ? &r->items[i] : NULL;
}

size_t pv_batch_result_count(const pv_batch_result *r) { return r ? r->n : 0; }

pv_run_status pv_batch_item_status(const pv_batch_result *r, size_t i)
{
    const pvb_item *it = item_at(r, i);
    return it ? it->status : PV_RUN_NOT_RUN;
}

const char *pv_batch_item_value(const pv_batch_result *r, size_t i)
{
    const pvb_item *it = item_at(r, i);
    return it ? it->value : NULL;
}

const char *pv_batch_item_exception_type(const pv_batch_result *r, size_t i)
{
    const pvb_item *it = item_at(r, i);
    return it ? it->exc_type : NULL;
}

const char *pv_batch_item_exception_message(const pv_batch_result *r, size_t i)
{
    const pvb_item *it = item_at(r, i);
    return it ? it->exc_message : NULL;
}

unsigned pv_batch_item_exception_line(const pv_batch_result *r, size_t i)
{
    const pvb_item *it = item_at(r, i);
    return it ? it->line : 0;
}

const char *pv_batch_item_reason(const pv_batch_result *r, size_t i)
{
    const pvb_item *it = item_at(r, i);
    return it ? it->reason : NULL;
}

unsigned long pv_batch_item_cpu_us(const pv_batch_result *r, size_t i)
{
    const pvb_item *it = item_at(r, i);
    return it ? it->cpu_us : 0;
}

size_t pv_batch_result_layer_count(const pv_batch_result *r) { return r ? r->nlayers : 0; }

const char *pv_batch_result_layer(const pv_batch_result *r, size_t i)
{
    return r && i < r->nlayers ? r->layers[i] : NULL;
}

size_t pv_batch_result_skipped_count(const pv_batch_result *r) { return r ? r->nskips : 0; }

const char *pv_batch_result_skipped_step(const pv_batch_result *r, size_t i)
{
    return r && i < r->nskips ? r->skips[i].step : NULL;
}

const char *pv_batch_result_skipped_reason(const pv_batch_result *r, size_t i)
{
    return r && i < r->nskips ? r->skips[i].reason : NULL;
}

unsigned pv_batch_result_children(const pv_batch_result *r) { return r ? r->children : 0; }
unsigned long pv_batch_result_wall_ms(const pv_batch_result *r) { return r ? r->wall_ms : 0; }
unsigned long pv_batch_result_cpu_ms(const pv_batch_result *r) { return r ? r->cpu_ms : 0; }

void pv_batch_result_free(pv_batch_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->items && i < r->n; i++) {
        item_clear(&r->items[i]);
        free(r->items[i].reason);
    }
    free(r->items);
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
