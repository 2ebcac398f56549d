/*
 * dispatch.c: the front end's job queue, its worker table and the metrics.
 *
 * HTTP handler threads submit jobs and wait on a condition variable. One dispatcher thread
 * owns every worker socket: it receives new workers from the zygote (SCM_RIGHTS), hands
 * the oldest waiting job to an idle worker, collects replies, fails the job of a worker
 * that died (HTTP 500) and kills a worker that overruns its job's limits by the grace
 * period. The queue is bounded: a job that finds every worker busy and `queue` jobs
 * already waiting is refused (HTTP 429).
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pyverify.h"
#include "service.h"

struct pvs_job {
    uint64_t id;
    uint32_t kind;
    pvs_client *client;
    char *body;
    size_t len;
    double deadline_s;  /* how long a worker may take before it is killed */
    double queued_at;   /* when it was submitted */
    double started;     /* when a worker got it (0: never) */
    int http;
    int run_status, verdict;
    char *reply;        /* owned, NUL-terminated */
    size_t reply_len;
    bool done;
    int slot;           /* the worker that took it (-1: none) */
    pid_t pid;
    double aux;         /* the reply's max_timeout_s (PVS_REQ_SESSION_NEW: idle timeout) */
    pvs_job *next;      /* queue link */
};

typedef struct worker {
    int fd;             /* -1: slot empty */
    pid_t pid;
    pvs_job *job;       /* in flight, or NULL: idle */
    bool pinned;        /* a session's (sessions.c): takes no queued job */
    bool used;          /* it was sent a job (a batch or a session goes only to a worker
                           that was not) */
    double started;     /* when the job was sent */
    pvs_frame hdr;      /* reply being read */
    size_t got;         /* bytes of header + payload read so far */
    char *payload;
} worker;

static struct {
    pthread_mutex_t mu;
    pthread_cond_t done_cv;
    const pvs_config *cfg;
    int ctl, efd;
    pthread_t thread;
    bool started, draining, stop, zygote_lost;
    unsigned queued, in_flight; /* waiting jobs are in their clients' queues */
    unsigned rr;           /* the client whose turn it is */
    double progress_at;    /* a job was last handed to a worker or answered */
    uint64_t next_id;
    worker w[PVS_MAX_WORKERS];
    unsigned alive;
    unsigned fresh_pending; /* workers retired so that a fresh one takes a batch or session */
} D = {.mu = PTHREAD_MUTEX_INITIALIZER, .done_cv = PTHREAD_COND_INITIALIZER, .ctl = -1,
       .efd = -1};

/* ---- metrics ------------------------------------------------------------------------------ */

static const double buckets[] = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1,
                                 0.2,   0.5,   1.0,   2.0,  5.0,  10.0};
#define NBUCKETS (sizeof buckets / sizeof buckets[0])
static const char *const endpoints[] = {"verify", "run", "batch", "sessions", "healthz",
                                        "metrics", "other"};
#define NTIMED 4 /* verify, run, batch, sessions: the endpoints with a latency histogram */
#define NENDPOINTS (sizeof endpoints / sizeof endpoints[0])
static const int codes[] = {200, 201, 204, 400, 401, 404, 405, 409, 413, 415, 429, 500, 503};
#define NCODES (sizeof codes / sizeof codes[0])
#define NSTATUS 11 /* pv_run_status values (PV_RUN_HOST_LIMIT is the last) */

static struct {
    pthread_mutex_t mu;
    unsigned long long requests[NENDPOINTS][NCODES + 1]; /* last: other codes */
    unsigned long long hist[NTIMED][NBUCKETS + 1];       /* last: +Inf */
    double hist_sum[NTIMED];
    unsigned long long hist_count[NTIMED];
    unsigned long long runs[NSTATUS];
    unsigned long long verdicts[3];
    unsigned long long workers_started, workers_lost, workers_killed;
} M = {.mu = PTHREAD_MUTEX_INITIALIZER};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void pvs_metric_http(const char *endpoint, int code, double seconds)
{
    size_t e = 0, c = NCODES;
    while (e < NENDPOINTS - 1 && strcmp(endpoints[e], endpoint) != 0)
        e++;
    for (size_t i = 0; i < NCODES; i++)
        if (codes[i] == code)
            c = i;
    pthread_mutex_lock(&M.mu);
    M.requests[e][c]++;
    if (e < NTIMED) {
        size_t b = 0;
        while (b < NBUCKETS && seconds > buckets[b])
            b++;
        M.hist[e][b]++;
        M.hist_sum[e] += seconds;
        M.hist_count[e]++;
    }
    pthread_mutex_unlock(&M.mu);
}

typedef struct sbuf {
    char *p;
    size_t len, cap;
    bool oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (b->oom)
        return;
    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = true;
            return;
        }
        if (b->p && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap * 2 : 8192;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q) {
            b->oom = true;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
}

char *pvs_metrics_text(size_t *len)
{
    sbuf b = {0};
    unsigned queued, in_flight, alive;

    pthread_mutex_lock(&D.mu);
    queued = D.queued;
    in_flight = D.in_flight;
    alive = D.alive;
    pthread_mutex_unlock(&D.mu);

    pthread_mutex_lock(&M.mu);
    sb_printf(&b, "# HELP pyverify_http_requests_total HTTP requests by endpoint and status code.\n"
                  "# TYPE pyverify_http_requests_total counter\n");
    for (size_t e = 0; e < NENDPOINTS; e++)
        for (size_t c = 0; c <= NCODES; c++)
            if (M.requests[e][c])
                sb_printf(&b, "pyverify_http_requests_total{endpoint=\"%s\",code=\"%s%d\"} %llu\n",
                          endpoints[e], c == NCODES ? "other" : "",
                          c == NCODES ? 0 : codes[c], M.requests[e][c]);
    sb_printf(&b, "# HELP pyverify_runs_total Runs by final status (rejected: not run).\n"
                  "# TYPE pyverify_runs_total counter\n");
    for (int s = 0; s < NSTATUS; s++)
        sb_printf(&b, "pyverify_runs_total{status=\"%s\"} %llu\n",
                  pv_run_status_name((pv_run_status)s), M.runs[s]);
    sb_printf(&b, "# HELP pyverify_verifications_total Verdicts of /v1/verify and /v1/run.\n"
                  "# TYPE pyverify_verifications_total counter\n");
    {
        static const char *const v[] = {"accepted", "rejected", "invalid"};
        for (int i = 0; i < 3; i++)
            sb_printf(&b, "pyverify_verifications_total{verdict=\"%s\"} %llu\n", v[i],
                      M.verdicts[i]);
    }
    sb_printf(&b, "# HELP pyverify_request_duration_seconds Latency of /v1/verify, /v1/run, /v1/batch and /v1/sessions, "
                  "from the whole body received to the reply ready.\n"
                  "# TYPE pyverify_request_duration_seconds histogram\n");
    for (int e = 0; e < NTIMED; e++) {
        unsigned long long cum = 0;
        for (size_t k = 0; k < NBUCKETS; k++) {
            cum += M.hist[e][k];
            sb_printf(&b, "pyverify_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%g\"} %llu\n",
                      endpoints[e], buckets[k], cum);
        }
        cum += M.hist[e][NBUCKETS];
        sb_printf(&b, "pyverify_request_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} %llu\n"
                      "pyverify_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n"
                      "pyverify_request_duration_seconds_count{endpoint=\"%s\"} %llu\n",
                  endpoints[e], cum, endpoints[e], M.hist_sum[e], endpoints[e],
                  M.hist_count[e]);
    }
    sb_printf(&b, "# HELP pyverify_queue_depth Requests waiting for a worker.\n"
                  "# TYPE pyverify_queue_depth gauge\npyverify_queue_depth %u\n"
                  "# HELP pyverify_requests_in_flight Requests a worker is handling (each run "
                  "is one sandboxed child).\n"
                  "# TYPE pyverify_requests_in_flight gauge\npyverify_requests_in_flight %u\n"
                  "# HELP pyverify_workers_alive Worker processes (warm children of the zygote).\n"
                  "# TYPE pyverify_workers_alive gauge\npyverify_workers_alive %u\n"
                  "# HELP pyverify_children_alive Worker processes plus the sandboxed children "
                  "of the runs in flight.\n"
                  "# TYPE pyverify_children_alive gauge\npyverify_children_alive %u\n"
                  "# HELP pyverify_workers_started_total Workers received from the zygote.\n"
                  "# TYPE pyverify_workers_started_total counter\n"
                  "pyverify_workers_started_total %llu\n"
                  "# HELP pyverify_workers_lost_total Workers that exited with a job in flight.\n"
                  "# TYPE pyverify_workers_lost_total counter\npyverify_workers_lost_total %llu\n"
                  "# HELP pyverify_workers_killed_total Workers killed for overrunning a job.\n"
                  "# TYPE pyverify_workers_killed_total counter\n"
                  "pyverify_workers_killed_total %llu\n",
              queued, in_flight, alive, alive + in_flight, M.workers_started, M.workers_lost,
              M.workers_killed);
    pthread_mutex_unlock(&M.mu);
    sb_printf(&b, "# HELP pyverify_client_requests_total Requests to /v1/* by client: "
                  "admitted, or refused (429) by its rate or its share of the queue.\n"
                  "# TYPE pyverify_client_requests_total counter\n"
                  "# HELP pyverify_client_queue_depth Requests of a client waiting for a "
                  "worker.\n# TYPE pyverify_client_queue_depth gauge\n"
                  "# HELP pyverify_client_in_flight Requests of a client a worker is handling.\n"
                  "# TYPE pyverify_client_in_flight gauge\n");
    pthread_mutex_lock(&D.mu);
    for (unsigned i = 0; i < pvs_clients_count(); i++) {
        const pvs_client *c = pvs_client_at(i);
        sb_printf(&b,
                  "pyverify_client_requests_total{client=\"%s\",outcome=\"admitted\"} %llu\n"
                  "pyverify_client_requests_total{client=\"%s\",outcome=\"rate\"} %llu\n"
                  "pyverify_client_requests_total{client=\"%s\",outcome=\"queue\"} %llu\n"
                  "pyverify_client_queue_depth{client=\"%s\"} %u\n"
                  "pyverify_client_in_flight{client=\"%s\"} %u\n",
                  c->name, c->admitted, c->name, c->refused_rate, c->name, c->refused_queue,
                  c->name, c->queued, c->name, c->in_flight);
    }
    pthread_mutex_unlock(&D.mu);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    *len = b.len;
    return b.p;
}

/* ---- jobs ---------------------------------------------------------------------------------- */

static void wake(void)
{
    uint64_t one = 1;
    ssize_t n = write(D.efd, &one, sizeof one);
    (void)n;
}

pvs_job *pvs_submit(uint32_t kind, const char *body, size_t len, pvs_client *cl,
                    const char **why)
{
    double now = now_s();
    unsigned cap;
    pvs_job *j = calloc(1, sizeof *j);
    if (!j || !(j->body = malloc(len ? len : 1))) {
        free(j);
        *why = "memory";
        return NULL;
    }
    memcpy(j->body, body, len);
    j->len = len;
    j->kind = kind;
    j->run_status = j->verdict = -1;
    j->slot = -1;
    j->client = cl;
    j->deadline_s = cl->max_timeout_s + D.cfg->grace_s;
    cap = cl->concurrent < D.cfg->workers ? cl->concurrent : D.cfg->workers;
    pthread_mutex_lock(&D.mu);
    if (cl->rate > 0) {
        cl->bucket += (now - cl->refilled_at) * cl->rate;
        if (cl->bucket > cl->burst)
            cl->bucket = cl->burst;
        cl->refilled_at = now;
    }
    if (D.draining || D.stop)
        *why = "draining";
    else if (D.zygote_lost)
        *why = "workers";
    /* a client's capacity: the runs it may have in flight (at most the configured
       workers: one retiring or being replaced is back in a moment, and its job waits
       meanwhile) plus its share of the queue */
    else if (cl->in_flight + cl->queued >= cap + cl->queue)
        *why = "queue";
    else if (cl->rate > 0 && cl->bucket < 1)
        *why = "rate";
    else
        *why = NULL;
    if (*why && strcmp(*why, "queue") == 0)
        cl->refused_queue++;
    else if (*why && strcmp(*why, "rate") == 0)
        cl->refused_rate++;
    if (*why) {
        pthread_mutex_unlock(&D.mu);
        free(j->body);
        free(j);
        return NULL;
    }
    if (cl->rate > 0)
        cl->bucket -= 1;
    cl->admitted++;
    j->id = ++D.next_id;
    j->queued_at = now;
    if (cl->tail)
        cl->tail->next = j;
    else
        cl->head = j;
    cl->tail = j;
    cl->queued++;
    D.queued++;
    pthread_mutex_unlock(&D.mu);
    wake();
    return j;
}

void pvs_wait(pvs_job *j)
{
    pthread_mutex_lock(&D.mu);
    while (!j->done)
        pthread_cond_wait(&D.done_cv, &D.mu);
    pthread_mutex_unlock(&D.mu);
}

int pvs_job_http(const pvs_job *j) { return j->http; }
int pvs_job_run_status(const pvs_job *j) { return j->run_status; }
uint64_t pvs_job_id(const pvs_job *j) { return j->id; }

const char *pvs_job_reply(const pvs_job *j, size_t *len)
{
    *len = j->reply_len;
    return j->reply;
}

void pvs_job_free(pvs_job *j)
{
    if (!j)
        return;
    free(j->body);
    free(j->reply);
    free(j);
}

/* A client's recent use of the workers: worker-seconds of its answered jobs, decayed
 * with this time constant, plus the time its jobs in flight have run so far. */
#define USAGE_TAU_S 10.0

static double decayed(const pvs_client *c, double now)
{
    return c->usage * exp(-(now - c->usage_at) / USAGE_TAU_S);
}

/* With D.mu held: finish a job with a reply (taken) or an error message. */
static void finish(pvs_job *j, int http, char *reply, size_t len, const char *error)
{
    if (!reply) {
        char buf[300];
        snprintf(buf, sizeof buf, "{\"error\":\"%s\"}", error ? error : "internal error");
        reply = strdup(buf);
        len = reply ? strlen(reply) : 0;
    }
    j->http = http;
    j->reply = reply;
    j->reply_len = len;
    j->done = true;
    D.in_flight--;
    j->client->in_flight--;
    D.progress_at = now_s();
    if (j->started > 0) {
        pvs_client *c = j->client;
        c->usage = decayed(c, D.progress_at) + (D.progress_at - j->started);
        c->usage_at = D.progress_at;
    }
    pthread_cond_broadcast(&D.done_cv);
}

void pvs_drain(void)
{
    pthread_mutex_lock(&D.mu);
    D.draining = true;
    pthread_mutex_unlock(&D.mu);
}

bool pvs_idle(void)
{
    bool idle;
    pthread_mutex_lock(&D.mu);
    idle = D.queued == 0 && D.in_flight == 0;
    pthread_mutex_unlock(&D.mu);
    return idle;
}

bool pvs_zygote_lost(void)
{
    bool lost;
    pthread_mutex_lock(&D.mu);
    lost = D.zygote_lost;
    pthread_mutex_unlock(&D.mu);
    return lost;
}

unsigned pvs_workers_alive(void)
{
    unsigned n;
    pthread_mutex_lock(&D.mu);
    n = D.alive;
    pthread_mutex_unlock(&D.mu);
    return n;
}

/* ---- pinned workers (sessions.c) --------------------------------------------------------- */

bool pvs_job_worker(const pvs_job *j, unsigned *slot, pid_t *pid, double *aux)
{
    if (j->slot < 0)
        return false;
    *slot = (unsigned)j->slot;
    *pid = j->pid;
    *aux = j->aux;
    return true;
}

static void worker_gone(worker *w);

/* With D.mu held: the pinned worker (slot, pid), or NULL when it is gone. */
static worker *pinned(unsigned slot, pid_t pid)
{
    worker *w = slot < PVS_MAX_WORKERS ? &D.w[slot] : NULL;
    return w && w->fd >= 0 && w->pinned && w->pid == pid ? w : NULL;
}

bool pvs_pinned_alive(unsigned slot, pid_t pid)
{
    bool alive;
    pthread_mutex_lock(&D.mu);
    alive = pinned(slot, pid) != NULL;
    pthread_mutex_unlock(&D.mu);
    return alive;
}

pvs_job *pvs_submit_pinned(unsigned slot, pid_t pid, uint32_t kind, const char *body,
                           size_t len, pvs_client *cl, const char **why)
{
    double now = now_s();
    pvs_frame f;
    worker *w;
    pvs_job *j = calloc(1, sizeof *j);
    if (!j || !(j->body = malloc(len ? len : 1))) {
        free(j);
        *why = "memory";
        return NULL;
    }
    memcpy(j->body, body, len);
    j->len = len;
    j->kind = kind;
    j->run_status = j->verdict = -1;
    j->slot = (int)slot;
    j->pid = pid;
    j->client = cl;
    j->deadline_s = cl->max_timeout_s + D.cfg->grace_s;
    pthread_mutex_lock(&D.mu);
    if (cl->rate > 0) {
        cl->bucket += (now - cl->refilled_at) * cl->rate;
        if (cl->bucket > cl->burst)
            cl->bucket = cl->burst;
        cl->refilled_at = now;
    }
    w = pinned(slot, pid);
    *why = D.draining || D.stop ? "draining" : !w ? "gone" : w->job ? "busy"
         : cl->rate > 0 && cl->bucket < 1 ? "rate" : NULL;
    if (*why && strcmp(*why, "rate") == 0)
        cl->refused_rate++;
    if (!*why) {
        memset(&f, 0, sizeof f);
        f.magic = PVS_MAGIC;
        f.kind = kind;
        f.id = j->id = ++D.next_id;
        f.len = (uint32_t)len;
        f.max_timeout_s = cl->max_timeout_s;
        f.max_cpu_s = cl->max_cpu_s;
        f.max_memory_mb = (uint32_t)cl->max_memory_mb;
        f.max_output_kb = (uint32_t)cl->max_output_kb;
        /* the worker waits in read: the write blocks only while it reads the body */
        if (pvs_write_all(w->fd, &f, sizeof f) < 0 || pvs_write_all(w->fd, body, len) < 0) {
            worker_gone(w);
            *why = "gone";
        }
    }
    if (*why) {
        pthread_mutex_unlock(&D.mu);
        free(j->body);
        free(j);
        return NULL;
    }
    if (cl->rate > 0)
        cl->bucket -= 1;
    cl->admitted++;
    cl->in_flight++;
    D.in_flight++;
    j->queued_at = now;
    w->job = j;
    w->started = j->started = now;
    w->got = 0;
    D.progress_at = now;
    pthread_mutex_unlock(&D.mu);
    wake();
    return j;
}

void pvs_release_pinned(unsigned slot, pid_t pid)
{
    worker *w;
    pthread_mutex_lock(&D.mu);
    if ((w = pinned(slot, pid)) != NULL) {
        if (w->job) /* sessions.c ends only idle sessions; never leave a job waiting */
            finish(w->job, 404, NULL, 0, "the session has ended");
        w->job = NULL;
        worker_gone(w); /* EOF on its socket: it frees its session and exits */
    }
    pthread_mutex_unlock(&D.mu);
}

/* ---- the dispatcher thread -------------------------------------------------------------- */

/* With D.mu held. A worker is gone: fail its job, free the slot. */
static void worker_gone(worker *w)
{
    if (w->job) {
        pthread_mutex_lock(&M.mu);
        M.workers_lost++;
        pthread_mutex_unlock(&M.mu);
        finish(w->job, 500, NULL, 0, "the worker handling this request exited");
        w->job = NULL;
    }
    close(w->fd);
    w->fd = -1;
    w->pinned = false;
    free(w->payload);
    w->payload = NULL;
    D.alive--;
}

static void receive_worker(void)
{
    pvs_ctl m;
    int fd = -1;
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct iovec iov = {&m, sizeof m};
    struct msghdr msg;
    ssize_t n;

    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = u.buf;
    msg.msg_controllen = sizeof u.buf;
    n = recvmsg(D.ctl, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    for (struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL; c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
            memcpy(&fd, CMSG_DATA(c), sizeof fd);
    pthread_mutex_lock(&D.mu);
    if (n <= 0) {
        /* the zygote is gone: no more workers; the service stops (serve.c) */
        D.zygote_lost = true;
        close(D.ctl);
        D.ctl = -1;
        pthread_mutex_unlock(&D.mu);
        kill(getpid(), SIGTERM);
        return;
    }
    if (n == (ssize_t)sizeof m && m.type == PVS_CTL_WORKER && fd >= 0 && m.slot >= 0 &&
        (unsigned)m.slot < D.cfg->workers && D.w[m.slot].fd < 0 && !D.stop) {
        worker *w = &D.w[m.slot];
        memset(w, 0, sizeof *w);
        w->fd = fd;
        w->pid = m.pid;
        D.alive++;
        if (D.fresh_pending)
            D.fresh_pending--;
        pthread_mutex_lock(&M.mu);
        M.workers_started++;
        pthread_mutex_unlock(&M.mu);
        fd = -1;
    }
    pthread_mutex_unlock(&D.mu);
    if (fd >= 0)
        close(fd);
}

/* With D.mu held: read what the worker has sent; a complete reply finishes its job. */
static void read_reply(worker *w)
{
    const size_t hdr = sizeof w->hdr;
    for (;;) {
        char *dst;
        size_t want;
        if (w->got < hdr) {
            dst = (char *)&w->hdr + w->got;
            want = hdr - w->got;
        } else {
            if (!w->payload) {
                if (w->hdr.magic != PVS_MAGIC || w->hdr.kind != PVS_REPLY || !w->job ||
                    w->hdr.id != w->job->id || w->hdr.len > (64u << 20) ||
                    !(w->payload = malloc((size_t)w->hdr.len + 1))) {
                    kill(w->pid, SIGKILL); /* a confused worker is replaced */
                    worker_gone(w);
                    return;
                }
            }
            dst = w->payload + (w->got - hdr);
            want = w->hdr.len - (w->got - hdr);
        }
        if (want > 0) {
            ssize_t n = recv(w->fd, dst, want, MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                worker_gone(w);
                return;
            }
            if (n < 0)
                return;
            w->got += (size_t)n;
        }
        if (w->payload && w->got - hdr == w->hdr.len) {
            pvs_job *j = w->job;
            w->payload[w->hdr.len] = '\0';
            j->run_status = w->hdr.run_status;
            j->verdict = w->hdr.verdict;
            j->aux = w->hdr.max_timeout_s;
            pthread_mutex_lock(&M.mu);
            if (j->run_status >= 0 && j->run_status < NSTATUS)
                M.runs[j->run_status]++;
            if (j->verdict >= 0 && j->verdict < 3)
                M.verdicts[j->verdict]++;
            pthread_mutex_unlock(&M.mu);
            finish(j, w->hdr.http, w->payload, w->hdr.len, NULL);
            w->payload = NULL;
            w->job = NULL;
            w->got = 0;
            if (w->hdr.flags & PVS_LAST) {
                worker_gone(w); /* it exits now; the zygote sends its replacement */
                return;
            }
        }
    }
}

/* With D.mu held: take the head of a client's queue; it counts as in flight. */
static pvs_job *dequeue(pvs_client *c)
{
    pvs_job *j = c->head;
    c->head = j->next;
    if (!c->head)
        c->tail = NULL;
    j->next = NULL;
    c->queued--;
    D.queued--;
    c->in_flight++;
    D.in_flight++;
    return j;
}

/* With D.mu held: the next client to get a free worker, of those with work waiting and a
 * run to spare under their `concurrent`: the one that used the workers least lately for
 * its weight, ties in round-robin order (fair queuing: a client that keeps every worker it
 * can get busy goes after one that asks now and then). When only --reserve-workers
 * workers are idle, they go only to a client that has nothing in flight, nothing else
 * waiting and a recent use at most half the mean of the active clients': a client that
 * piles up work cannot take them, so a newcomer finds a worker at
 * once however the others load the service. */
static pvs_client *pick(unsigned idle)
{
    unsigned n = pvs_clients_count(), bi = 0;
    double now = now_s(), best_score = 0;
    pvs_client *best = NULL;
    for (unsigned i = 0; i < n; i++)
        pvs_client_at(i)->score = decayed(pvs_client_at(i), now);
    double active_sum = 0;
    unsigned active = 0;
    for (unsigned i = 0; i < D.cfg->workers; i++)
        if (D.w[i].fd >= 0 && D.w[i].job)
            D.w[i].job->client->score += now - D.w[i].started;
    /* the reserve is for light clients: at most half the mean use of the clients with work
       in flight or waiting (long-lived workers free and are taken at once: a heavy client
       between two of its requests would otherwise pass the test below) */
    for (unsigned i = 0; i < n; i++) {
        pvs_client *c = pvs_client_at(i);
        if (c->head || c->in_flight) {
            active_sum += c->score / c->weight;
            active++;
        }
    }
    for (unsigned k = 0; k < n; k++) {
        unsigned i = (D.rr + k) % n;
        pvs_client *c = pvs_client_at(i);
        double score = c->score / c->weight;
        if (!c->head || c->in_flight >= c->concurrent || c->wait_fresh)
            continue;
        if (idle <= D.cfg->reserve_workers &&
            (c->in_flight > 0 || c->queued > 1 || score > 0.5 * active_sum / active))
            continue;
        if (!best || score < best_score) {
            best = c;
            best_score = score;
            bi = i;
        }
    }
    if (best)
        D.rr = (bi + 1) % n;
    return best;
}

/* With D.mu held: hand waiting jobs to idle workers. The write blocks only while an idle
 * worker reads the body. */
static void assign(void)
{
    unsigned idle = 0, nwait = 0;
    for (unsigned i = 0; i < D.cfg->workers; i++)
        idle += D.w[i].fd >= 0 && !D.w[i].job && !D.w[i].pinned;
    for (unsigned i = 0; i < pvs_clients_count(); i++)
        pvs_client_at(i)->wait_fresh = false;
    for (unsigned i = 0; i < D.cfg->workers && D.queued; i++) {
        worker *w = &D.w[i];
        pvs_client *c;
        pvs_job *j;
        pvs_frame f;
        if (w->fd < 0 || w->job || w->pinned)
            continue;
        if (!(c = pick(idle)))
            break;
        j = c->head;
        if ((j->kind == PVS_REQ_BATCH || j->kind == PVS_REQ_SESSION_NEW) && w->used) {
            /* a batch's child, or a session's, is forked by its worker, so only a worker
               that has held no request may take it (batch.c, sessions.c): a fresh idle one
               if there is one; else one used worker per such job waiting retires (it exits
               on the closed socket, the zygote replaces it) and the job waits for a fresh
               worker while the other clients' jobs go on */
            worker *fresh = NULL;
            for (unsigned k = 0; k < D.cfg->workers && !fresh; k++)
                if (D.w[k].fd >= 0 && !D.w[k].job && !D.w[k].pinned && !D.w[k].used)
                    fresh = &D.w[k];
            if (!fresh) {
                c->wait_fresh = true;
                if (D.fresh_pending < ++nwait) {
                    worker_gone(w);
                    D.fresh_pending++;
                    idle--;
                }
                i--; /* this worker (if not retired) for another client's job */
                continue;
            }
            w = fresh;
        } else if (j->kind != PVS_REQ_BATCH && j->kind != PVS_REQ_SESSION_NEW && !w->used) {
            /* a run or a verification goes to a worker that already holds requests (it
               runs many: its children come from its template), keeping the fresh ones for
               batches and sessions */
            for (unsigned k = 0; k < D.cfg->workers; k++)
                if (D.w[k].fd >= 0 && !D.w[k].job && !D.w[k].pinned && D.w[k].used) {
                    w = &D.w[k];
                    break;
                }
        }
        memset(&f, 0, sizeof f);
        f.magic = PVS_MAGIC;
        f.kind = j->kind;
        f.id = j->id;
        f.len = (uint32_t)j->len;
        f.max_timeout_s = c->max_timeout_s;
        f.max_cpu_s = c->max_cpu_s;
        f.max_memory_mb = (uint32_t)c->max_memory_mb;
        f.max_output_kb = (uint32_t)c->max_output_kb;
        if (pvs_write_all(w->fd, &f, sizeof f) < 0 || pvs_write_all(w->fd, j->body, j->len) < 0) {
            worker_gone(w); /* the job stays at the head of its client's queue */
            continue;
        }
        dequeue(c);
        idle--;
        w->pinned = j->kind == PVS_REQ_SESSION_NEW; /* sessions.c: from now on, its own */
        j->slot = (int)(w - D.w);
        j->pid = w->pid;
        w->job = j;
        w->used = true;
        w->started = j->started = now_s();
        w->got = 0;
        D.progress_at = w->started;
    }
}

static void *dispatcher(void *arg)
{
    (void)arg;
    for (;;) {
        struct pollfd p[PVS_MAX_WORKERS + 2];
        int idx[PVS_MAX_WORKERS + 2];
        nfds_t n = 0;
        double now;

        pthread_mutex_lock(&D.mu);
        if (D.stop) {
            for (unsigned i = 0; i < D.cfg->workers; i++)
                if (D.w[i].fd >= 0)
                    worker_gone(&D.w[i]);
            /* jobs still queued (none, after a drain) are failed, never lost silently */
            for (unsigned i = 0; i < pvs_clients_count(); i++)
                while (pvs_client_at(i)->head)
                    finish(dequeue(pvs_client_at(i)), 503, NULL, 0,
                           "the service is shutting down");
            pthread_mutex_unlock(&D.mu);
            return NULL;
        }
        assign();
        now = now_s();
        /* jobs waiting while no job was handed to a worker or answered for the longest
           run plus the grace period (the workers keep dying, or the zygote is gone):
           answered, never left waiting */
        for (unsigned i = 0; i < pvs_clients_count(); i++) {
            pvs_client *c = pvs_client_at(i);
            while (c->head &&
                   (D.zygote_lost ||
                    now - (c->head->queued_at > D.progress_at ? c->head->queued_at
                                                              : D.progress_at) >
                        D.cfg->max_timeout_s + 2 * D.cfg->grace_s))
                finish(dequeue(c), 503, NULL, 0, "no worker became available");
        }
        p[n] = (struct pollfd){D.efd, POLLIN, 0};
        idx[n++] = -1;
        if (D.ctl >= 0) {
            p[n] = (struct pollfd){D.ctl, POLLIN, 0};
            idx[n++] = -2;
        }
        for (unsigned i = 0; i < D.cfg->workers; i++) {
            worker *w = &D.w[i];
            if (w->fd < 0)
                continue;
            if (w->job && now - w->started > w->job->deadline_s) {
                /* a worker that overruns the job's limits by the grace period */
                kill(w->pid, SIGKILL);
                pthread_mutex_lock(&M.mu);
                M.workers_killed++;
                pthread_mutex_unlock(&M.mu);
            }
            p[n] = (struct pollfd){w->fd, POLLIN, 0};
            idx[n++] = (int)i;
        }
        pthread_mutex_unlock(&D.mu);

        if (poll(p, n, 250) < 0 && errno != EINTR)
            continue;
        pvs_sessions_tick(); /* idle sessions end (sessions.c; it takes D.mu itself) */

        pthread_mutex_lock(&D.mu);
        for (nfds_t k = 0; k < n; k++) {
            if (!p[k].revents)
                continue;
            if (idx[k] == -1) {
                uint64_t v;
                ssize_t r = read(D.efd, &v, sizeof v);
                (void)r;
            } else if (idx[k] >= 0 && D.w[idx[k]].fd == p[k].fd) {
                read_reply(&D.w[idx[k]]);
            }
        }
        pthread_mutex_unlock(&D.mu);
        for (nfds_t k = 0; k < n; k++)
            if (idx[k] == -2 && p[k].revents)
                receive_worker();
    }
}

int pvs_dispatch_start(const pvs_config *cfg, int ctl_fd)
{
    D.cfg = cfg;
    D.ctl = ctl_fd;
    for (unsigned i = 0; i < PVS_MAX_WORKERS; i++)
        D.w[i].fd = -1;
    D.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (D.efd < 0)
        return -1;
    if (pthread_create(&D.thread, NULL, dispatcher, NULL) != 0)
        return -1;
    D.started = true;
    return 0;
}

void pvs_dispatch_stop(void)
{
    if (!D.started)
        return;
    pthread_mutex_lock(&D.mu);
    D.stop = true;
    pthread_mutex_unlock(&D.mu);
    wake();
    pthread_join(D.thread, NULL);
    D.started = false;
    if (D.ctl >= 0)
        close(D.ctl); /* the zygote sees EOF and lets its workers finish */
    D.ctl = -1;
    close(D.efd);
}
