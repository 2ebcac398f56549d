/*
 * sessions.c: sessions of the service (issue 17): a client's code cells that share their
 * globals, in one sandboxed child that lives across requests.
 *
 *   POST   /v1/sessions           {"limits": {...}?, "input": {...}?}
 *                                 -> 201 {"id", "expires_in", "limits"}
 *   POST   /v1/sessions/{id}/run  the /v1/run body -> the /v1/run object, plus "session":
 *                                 "open" or "ended" (a limit ended it)
 *   DELETE /v1/sessions/{id}      -> 204
 *
 * Processes. A session is a worker pinned to it. POST /v1/sessions is queued like any
 * request; the worker that takes it must not have held another request (else 503, as for
 * a batch); it frees its unused warm child and calls pv_session_new(), which forks the
 * session's sandboxed child before any cell is read (the worker holds only this create
 * request: limits and input). From then on the dispatcher gives that worker no queued job
 * (dispatch.c, `pinned`): it reads only its session's cells, verifies each one with both
 * static layers, with the names the earlier cells bound (pv_session_global) and the
 * session's input names as globals, and runs an accepted one with pv_session_run(). A
 * rejected cell is the "rejected" answer and the session goes on. When the session ends
 * (DELETE, idle expiry, a limit, graceful stop) the front end closes the worker's socket;
 * the worker frees the session (its child and directory) and exits, and the zygote
 * replaces it. A session's run that ends other than "ok"/"error" ends the session
 * (pv_session_run), so does a session limit: that worker exits after the reply.
 *
 * Front end. The table of sessions: a 128-bit random id (getrandom, hex), the client that
 * created it, its worker (slot, pid), its idle timeout and last use. A request with an id
 * the client does not own is 404 exactly like an unknown one (never 403: an id tells
 * nothing). One cell at a time per session (409 while one runs). At most --max-sessions
 * sessions (503 with Retry-After beyond: the server's capacity, not the client's rate);
 * each holds one of the --workers workers. The dispatcher thread calls pvs_sessions_tick()
 * a few times a second to end idle sessions. Lock order: S.mu, then dispatch.c's.
 *
 * Worker. The pvs_wsession_* functions (service_sessions.h), called by zygote.c.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <jansson.h>

#include "pyverify.h"
#include "service.h"
#include "service_sessions.h"

#define ID_HEX 32 /* 128 bits */

/* ---- front end ------------------------------------------------------------------------- */

typedef struct sess {
    bool used;
    char id[ID_HEX + 1];
    pvs_client *cl;
    unsigned slot;
    pid_t pid;
    double idle_s, last;
    bool busy;     /* a cell is running */
} sess;

enum { END_DELETE, END_EXPIRED, END_LIMIT, END_STOP, END_LOST, NEND };
static const char *const end_names[NEND] = {"delete", "expired", "limit", "stop", "lost"};

static struct {
    pthread_mutex_t mu;
    const pvs_config *cfg;
    sess s[PVS_MAX_WORKERS];
    unsigned open, pending; /* pending: being created */
    bool stopped;
    unsigned long long created, refused_max, refused_client, ended[NEND];
} S = {.mu = PTHREAD_MUTEX_INITIALIZER};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void pvs_sessions_init(const pvs_config *cfg)
{
    S.cfg = cfg;
}

/* "/v1/sessions/" then 32 lowercase hex digits, then `tail`: the id in `id`. */
static bool parse_id(const char *url, const char *tail, char id[ID_HEX + 1])
{
    static const char pre[] = "/v1/sessions/";
    if (strncmp(url, pre, sizeof pre - 1) != 0)
        return false;
    url += sizeof pre - 1;
    for (int i = 0; i < ID_HEX; i++)
        if (!((url[i] >= '0' && url[i] <= '9') || (url[i] >= 'a' && url[i] <= 'f')))
            return false;
    if (strcmp(url + ID_HEX, tail) != 0)
        return false;
    memcpy(id, url, ID_HEX);
    id[ID_HEX] = '\0';
    return true;
}

int pvs_sessions_route(const char *method, const char *url)
{
    char id[ID_HEX + 1];
    bool post = strcmp(method, "POST") == 0, del = strcmp(method, "DELETE") == 0;
    if (strcmp(url, "/v1/sessions") == 0)
        return post ? PVS_SESS_NEW : -405;
    if (strncmp(url, "/v1/sessions/", 13) != 0)
        return -404;
    if (strlen(url) >= 17 && strcmp(url + strlen(url) - 4, "/run") == 0)
        return post ? PVS_SESS_RUN : -405; /* a malformed id is the lookup's 404 */
    return del ? PVS_SESS_DELETE : parse_id(url, "", id) ? -405 : -404;
}

/* With S.mu held: the session `id` of client `cl`, or NULL. Every slot is compared in
 * full, whatever matched, so the time taken says nothing about the ids. */
static sess *find(const char *id, const pvs_client *cl)
{
    sess *hit = NULL;
    for (unsigned i = 0; i < PVS_MAX_WORKERS; i++) {
        unsigned char d = 0;
        for (int k = 0; k < ID_HEX; k++)
            d |= (unsigned char)(S.s[i].id[k] ^ id[k]);
        if (d == 0 && S.s[i].used && S.s[i].cl == cl)
            hit = &S.s[i];
    }
    return hit;
}

/* With S.mu held: the sessions a client holds (open or being created), and the most it may. */
static unsigned held_by(const pvs_client *cl)
{
    return cl->sess_held;
}

static unsigned client_quota(const pvs_client *cl)
{
    unsigned m = S.cfg->max_sessions;
    if (cl->sessions != PVS_SESSIONS_DEFAULT)
        return cl->sessions < m ? cl->sessions : m;
    if (pvs_clients_count() > 1)
        m = m / 2 > 0 ? m / 2 : 1;
    return m;
}

/* With S.mu held: forget a session (its worker is released by the caller). */
static void drop(sess *s, int why)
{
    S.ended[why]++;
    S.open--;
    if (s->cl && s->cl->sess_held > 0)
        s->cl->sess_held--;
    memset(s, 0, sizeof *s);
}

static char *error(int *http, int code, const char *text, size_t *rlen)
{
    char *b = NULL;
    int n = asprintf(&b, "{\"error\":\"%s\"}", text);
    *http = code;
    if (n < 0)
        return NULL;
    *rlen = (size_t)n;
    return b;
}

static char *refused(const char *why, int *http, size_t *rlen)
{
    if (strcmp(why, "queue") == 0)
        return error(http, 429, "every worker this client may use is busy and its share of the "
                              "queue is full", rlen);
    if (strcmp(why, "rate") == 0)
        return error(http, 429, "this client's rate of requests is exceeded", rlen);
    if (strcmp(why, "memory") == 0)
        return error(http, 500, "out of memory", rlen);
    if (strcmp(why, "draining") == 0)
        return error(http, 503, "the service is shutting down", rlen);
    return error(http, 503, "no worker is available", rlen);
}

/* The job's reply, copied (malloc'ed). */
static char *reply_of(pvs_job *job, size_t *rlen)
{
    size_t n;
    const char *r = pvs_job_reply(job, &n);
    char *c = malloc(n + 1);
    if (!c)
        return NULL;
    memcpy(c, r, n);
    c[n] = '\0';
    *rlen = n;
    return c;
}

static int create(pvs_client *cl, const char *body, size_t len, char **reply, size_t *rlen,
                  uint64_t *id)
{
    unsigned char raw[ID_HEX / 2];
    char hex[ID_HEX + 1];
    const char *why;
    pvs_job *job;
    unsigned slot = 0;
    pid_t pid = 0;
    double idle = 0;
    int http = 500;
    sess *s = NULL;

    pthread_mutex_lock(&S.mu);
    if (S.stopped) {
        pthread_mutex_unlock(&S.mu);
        *reply = error(&http, 503, "the service is shutting down", rlen);
        return http;
    }
    if (held_by(cl) >= client_quota(cl)) {
        char text[240];
        S.refused_client++;
        pthread_mutex_unlock(&S.mu);
        snprintf(text, sizeof text, "client %s holds its maximum of %u open sessions "
                 "(`sessions` in --clients; by default half of --max-sessions when there are "
                 "several clients); end one (DELETE) or retry later", cl->name,
                 client_quota(cl));
        *reply = error(&http, 503, text, rlen);
        return http;
    }
    if (S.open + S.pending >= S.cfg->max_sessions) {
        char text[200];
        S.refused_max++;
        pthread_mutex_unlock(&S.mu);
        snprintf(text, sizeof text, "the server's maximum of %u open sessions "
                 "(--max-sessions) is reached; retry later, or end a session (DELETE)",
                 S.cfg->max_sessions);
        *reply = error(&http, 503, text, rlen);
        return http;
    }
    S.pending++;
    cl->sess_held++;
    pthread_mutex_unlock(&S.mu);

    job = pvs_submit(PVS_REQ_SESSION_NEW, len ? body : "{}", len ? len : 2, cl, &why);
    if (!job) {
        pthread_mutex_lock(&S.mu);
        S.pending--;
        cl->sess_held--;
        pthread_mutex_unlock(&S.mu);
        *reply = refused(why, &http, rlen);
        return http;
    }
    pvs_wait(job);
    http = pvs_job_http(job);
    *id = pvs_job_id(job);
    if (http != 201 || !pvs_job_worker(job, &slot, &pid, &idle)) {
        pthread_mutex_lock(&S.mu);
        S.pending--;
        cl->sess_held--;
        pthread_mutex_unlock(&S.mu);
        *reply = reply_of(job, rlen);
        pvs_job_free(job);
        return *reply ? http : 500;
    }
    /* the id: 128 random bits from the kernel; without them there is no session */
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
        pthread_mutex_lock(&S.mu);
        S.pending--;
        cl->sess_held--;
        pthread_mutex_unlock(&S.mu);
        pvs_release_pinned(slot, pid);
        pvs_job_free(job);
        *reply = error(&http, 500, "no random bytes for a session id", rlen);
        return http;
    }
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(hex + 2 * i, 3, "%02x", raw[i]);
    pthread_mutex_lock(&S.mu);
    S.pending--;
    for (unsigned i = 0; i < PVS_MAX_WORKERS && !s; i++)
        if (!S.s[i].used)
            s = &S.s[i];
    if (s && !S.stopped && pvs_pinned_alive(slot, pid)) {
        size_t n;
        const char *r = pvs_job_reply(job, &n);
        s->used = true;
        memcpy(s->id, hex, sizeof hex);
        s->cl = cl;
        s->slot = slot;
        s->pid = pid;
        s->idle_s = idle;
        s->last = now_s();
        S.open++;
        S.created++;
        pthread_mutex_unlock(&S.mu);
        /* the worker's {"expires_in", "limits"} with the id in front */
        if (n < 2 || r[0] != '{' || asprintf(reply, "{\"id\":\"%s\",%s", hex, r + 1) < 0) {
            pvs_job_free(job);
            *reply = error(&http, 500, "out of memory", rlen);
            return http; /* the session is listed; idle expiry ends it */
        }
        *rlen = strlen(*reply);
        pvs_job_free(job);
        return 201;
    }
    cl->sess_held--; /* not stored */
    pthread_mutex_unlock(&S.mu);
    pvs_release_pinned(slot, pid);
    pvs_job_free(job);
    *reply = error(&http, 503, S.stopped ? "the service is shutting down"
                                       : "the session's worker exited", rlen);
    return http;
}

static int run(const char *url, pvs_client *cl, const char *body, size_t len, char **reply,
               size_t *rlen, int *run_status, uint64_t *id)
{
    char sid[ID_HEX + 1];
    unsigned slot;
    pid_t pid;
    const char *why;
    pvs_job *job;
    sess *s;
    int http = 404;

    pthread_mutex_lock(&S.mu);
    if (!parse_id(url, "/run", sid) || !(s = find(sid, cl))) {
        pthread_mutex_unlock(&S.mu);
        *reply = error(&http, 404, "no such session (unknown, expired or ended)", rlen);
        return http;
    }
    if (s->busy) {
        pthread_mutex_unlock(&S.mu);
        *reply = error(&http, 409, "the session is running another cell (one at a time)", rlen);
        return http;
    }
    s->busy = true;
    slot = s->slot;
    pid = s->pid;
    pthread_mutex_unlock(&S.mu);

    job = pvs_submit_pinned(slot, pid, PVS_REQ_SESSION_RUN, body, len, cl, &why);
    if (job) {
        pvs_wait(job);
        http = pvs_job_http(job);
        *run_status = pvs_job_run_status(job);
        *id = pvs_job_id(job);
        *reply = reply_of(job, rlen);
        pvs_job_free(job);
    }
    pthread_mutex_lock(&S.mu);
    /* it is ours still: only a session that is not busy is ever dropped by others */
    s->busy = false;
    s->last = now_s();
    if (!pvs_pinned_alive(slot, pid)) {
        /* its run hit a limit, or the worker died: the session is over */
        drop(s, job && http == 200 ? END_LIMIT : END_LOST);
    } else if (S.stopped) {
        drop(s, END_STOP); /* the graceful stop came while this cell ran */
        pvs_release_pinned(slot, pid);
    }
    pthread_mutex_unlock(&S.mu);
    if (!job) {
        if (strcmp(why, "gone") == 0)
            return *reply = error(&http, 404, "no such session (unknown, expired or ended)",
                                rlen), http;
        *reply = refused(why, &http, rlen);
        return http;
    }
    return *reply ? http : 500;
}

static int delete(const char *url, pvs_client *cl, char **reply, size_t *rlen)
{
    char sid[ID_HEX + 1];
    unsigned slot;
    pid_t pid;
    sess *s;
    int http = 404;

    pthread_mutex_lock(&S.mu);
    if (!parse_id(url, "", sid) || !(s = find(sid, cl))) {
        pthread_mutex_unlock(&S.mu);
        *reply = error(&http, 404, "no such session (unknown, expired or ended)", rlen);
        return http;
    }
    if (s->busy) {
        pthread_mutex_unlock(&S.mu);
        *reply = error(&http, 409, "the session is running a cell: delete it after", rlen);
        return http;
    }
    slot = s->slot;
    pid = s->pid;
    drop(s, END_DELETE);
    pvs_release_pinned(slot, pid);
    pthread_mutex_unlock(&S.mu);
    *reply = NULL;
    *rlen = 0;
    return 204;
}

int pvs_sessions_handle(int op, const char *url, pvs_client *cl, const char *body, size_t len,
                        char **reply, size_t *rlen, int *run_status, uint64_t *id)
{
    *reply = NULL;
    *rlen = 0;
    *run_status = -1;
    *id = 0;
    if (S.cfg->max_sessions == 0) {
        int http;
        *reply = error(&http, 503, "sessions are disabled on this server (--max-sessions 0)",
                     rlen);
        return http;
    }
    switch (op) {
    case PVS_SESS_NEW:
        return create(cl, body, len, reply, rlen, id);
    case PVS_SESS_RUN:
        return run(url, cl, body, len, reply, rlen, run_status, id);
    default:
        return delete(url, cl, reply, rlen);
    }
}

void pvs_sessions_tick(void)
{
    double now = now_s();
    pthread_mutex_lock(&S.mu);
    for (unsigned i = 0; i < PVS_MAX_WORKERS; i++) {
        sess *s = &S.s[i];
        unsigned slot = s->slot;
        pid_t pid = s->pid;
        if (!s->used || s->busy)
            continue;
        if (now - s->last > s->idle_s) {
            drop(s, END_EXPIRED);
            pvs_release_pinned(slot, pid);
        } else if (!pvs_pinned_alive(slot, pid)) {
            drop(s, END_LOST); /* its worker died (its own idle timer, a crash) */
        }
    }
    pthread_mutex_unlock(&S.mu);
}

void pvs_sessions_stop(void)
{
    pthread_mutex_lock(&S.mu);
    S.stopped = true;
    for (unsigned i = 0; i < PVS_MAX_WORKERS; i++) {
        sess *s = &S.s[i];
        unsigned slot = s->slot;
        pid_t pid = s->pid;
        if (!s->used)
            continue;
        /* a cell still running (the drain waited for it) keeps its entry until it ends */
        if (s->busy)
            continue;
        drop(s, END_STOP);
        pvs_release_pinned(slot, pid);
    }
    pthread_mutex_unlock(&S.mu);
}

char *pvs_sessions_metrics_text(size_t *len)
{
    char *b = NULL;
    int n;
    pthread_mutex_lock(&S.mu);
    n = asprintf(&b,
                 "# HELP pyverify_sessions_open Sessions open (each holds a worker).\n"
                 "# TYPE pyverify_sessions_open gauge\npyverify_sessions_open %u\n"
                 "# HELP pyverify_sessions_max Sessions open at once at most (--max-sessions).\n"
                 "# TYPE pyverify_sessions_max gauge\npyverify_sessions_max %u\n"
                 "# HELP pyverify_sessions_created_total Sessions created.\n"
                 "# TYPE pyverify_sessions_created_total counter\n"
                 "pyverify_sessions_created_total %llu\n"
                 "# HELP pyverify_sessions_refused_total Creations refused: --max-sessions.\n"
                 "# TYPE pyverify_sessions_refused_total counter\n"
                 "pyverify_sessions_refused_total %llu\n"
                 "# HELP pyverify_sessions_refused_client_total Creations refused: the "
                 "client's own maximum (sessions in --clients).\n"
                 "# TYPE pyverify_sessions_refused_client_total counter\n"
                 "pyverify_sessions_refused_client_total %llu\n"
                 "# HELP pyverify_sessions_expired_total Sessions ended by their idle timeout.\n"
                 "# TYPE pyverify_sessions_expired_total counter\n"
                 "pyverify_sessions_expired_total %llu\n"
                 "# HELP pyverify_sessions_ended_total Sessions ended, by reason.\n"
                 "# TYPE pyverify_sessions_ended_total counter\n"
                 "pyverify_sessions_ended_total{reason=\"%s\"} %llu\n"
                 "pyverify_sessions_ended_total{reason=\"%s\"} %llu\n"
                 "pyverify_sessions_ended_total{reason=\"%s\"} %llu\n"
                 "pyverify_sessions_ended_total{reason=\"%s\"} %llu\n"
                 "pyverify_sessions_ended_total{reason=\"%s\"} %llu\n",
                 S.open, S.cfg ? S.cfg->max_sessions : 0u, S.created, S.refused_max, S.refused_client,
                 S.ended[END_EXPIRED], end_names[0], S.ended[0], end_names[1], S.ended[1],
                 end_names[2], S.ended[2], end_names[3], S.ended[3], end_names[4], S.ended[4]);
    pthread_mutex_unlock(&S.mu);
    if (n < 0)
        return NULL;
    *len = (size_t)n;
    return b;
}

/* ---- worker ---------------------------------------------------------------------------- */

/* Caps of a session's own limits (beyond the per-run ones of each cell). */
#define PVS_SESSION_MAX_CPU_S 60.0
#define PVS_SESSION_MAX_IDLE_S 600.0
#define PVS_SESSION_MAX_RUNS 1000u

static pv_session *W_sess;
static pv_session_opts W_opts;
static char **W_inputs;   /* names bound by "input" so far (owned) */
static size_t W_ninputs;

bool pvs_wsession_active(void) { return W_sess != NULL; }
bool pvs_wsession_alive(void) { return W_sess && pv_session_alive(W_sess); }
double pvs_wsession_idle_s(void) { return W_opts.idle_timeout_s; }
size_t pvs_wsession_memory_mb(void) { return W_opts.memory_mb; }

static json_t *wfail(int *http, int code, const char *text)
{
    *http = code;
    return json_pack("{s:s}", "error", text);
}

json_t *pvs_wsession_new(const pvs_config *cfg, const pv_policy *pol, json_t *req, bool clean,
                         bool with_input, int *http)
{
    static const char *const known[] = {"memory_mb", "total_cpu_s", "idle_timeout_s",
                                        "max_runs", NULL};
    pv_session_opts so = PV_SESSION_OPTS_INIT;
    json_t *lim = json_object_get(req, "limits"), *v;
    const char *k;
    char text[300];

    json_object_foreach(req, k, v) {
        if (strcmp(k, "limits") != 0 && strcmp(k, "input") != 0) {
            snprintf(text, sizeof text, "unknown field \"%.64s\" (known: limits, input)", k);
            return wfail(http, 400, text);
        }
    }
    if (lim && !json_is_object(lim))
        return wfail(http, 400, "\"limits\" must be an object");
    if ((v = json_object_get(req, "input")) && !json_is_object(v))
        return wfail(http, 400, "\"input\" must be an object");
    json_object_foreach(lim, k, v) {
        bool ok = false;
        for (size_t i = 0; known[i]; i++)
            ok = ok || strcmp(k, known[i]) == 0;
        if (!ok) {
            snprintf(text, sizeof text, "unknown field \"limits.%.64s\" (known: memory_mb, "
                     "total_cpu_s, idle_timeout_s, max_runs)", k);
            return wfail(http, 400, text);
        }
    }
    if ((v = json_object_get(lim, "memory_mb"))) {
        if (!json_is_integer(v) || json_integer_value(v) < 32)
            return wfail(http, 400, "\"limits.memory_mb\" must be an integer of at least 32");
        so.memory_mb = (size_t)json_integer_value(v);
    }
    if ((v = json_object_get(lim, "total_cpu_s"))) {
        if (!json_is_number(v) || !(json_number_value(v) > 0))
            return wfail(http, 400, "\"limits.total_cpu_s\" must be a positive number");
        so.total_cpu_s = json_number_value(v);
    }
    if ((v = json_object_get(lim, "idle_timeout_s"))) {
        if (!json_is_number(v) || !(json_number_value(v) > 0))
            return wfail(http, 400, "\"limits.idle_timeout_s\" must be a positive number");
        so.idle_timeout_s = json_number_value(v);
    }
    if ((v = json_object_get(lim, "max_runs"))) {
        if (!json_is_integer(v) || json_integer_value(v) < 1)
            return wfail(http, 400, "\"limits.max_runs\" must be an integer of at least 1");
        so.max_runs = json_integer_value(v) > PVS_SESSION_MAX_RUNS
                          ? PVS_SESSION_MAX_RUNS : (unsigned)json_integer_value(v);
    }
    if (so.memory_mb > cfg->max_memory_mb)
        so.memory_mb = cfg->max_memory_mb;
    if (so.total_cpu_s > PVS_SESSION_MAX_CPU_S)
        so.total_cpu_s = PVS_SESSION_MAX_CPU_S;
    if (so.idle_timeout_s > PVS_SESSION_MAX_IDLE_S)
        so.idle_timeout_s = PVS_SESSION_MAX_IDLE_S;
    if (!clean)
        return wfail(http, 503, "this worker has served another request; retry");
    W_opts = so;
    if (with_input)
        so.max_runs++; /* the input's binding is a run of its own; it is not the client's */
    if (pv_session_new(&W_sess, pol, &so) < 0) {
        snprintf(text, sizeof text, "cannot start the session: %s", pv_last_error());
        W_sess = NULL;
        return wfail(http, 500, text);
    }
    *http = 201;
    return json_pack("{s:f, s:{s:I, s:f, s:f, s:I}}", "expires_in", so.idle_timeout_s,
                     "limits", "memory_mb", (json_int_t)so.memory_mb, "total_cpu_s",
                     so.total_cpu_s, "idle_timeout_s", so.idle_timeout_s, "max_runs",
                     (json_int_t)W_opts.max_runs);
}

const char **pvs_wsession_globals(const char *const *names, size_t n, size_t *count)
{
    size_t ns = pv_session_global_count(W_sess), k = 0;
    const char **all = malloc((n + ns + W_ninputs + 1) * sizeof *all);
    if (!all)
        return NULL;
    for (size_t i = 0; i < n; i++)
        all[k++] = names[i];
    for (size_t i = 0; i < ns; i++)
        if (pv_session_global(W_sess, i))
            all[k++] = pv_session_global(W_sess, i);
    for (size_t i = 0; i < W_ninputs; i++)
        all[k++] = W_inputs[i];
    *count = k;
    return all;
}

int pvs_wsession_verify(pv_program **out, const char *src, size_t len, const char *filename,
                        const pv_verify_opts *vo)
{
    return pv_session_verify(out, W_sess, src, len, filename, vo);
}

int pvs_wsession_run(pv_run_result **res, const pv_program *prog, const pv_run_opts *ro)
{
    return pv_session_run(W_sess, res, prog, ro);
}

void pvs_wsession_ran(json_t *input)
{
    const char *k;
    json_t *v;
    json_object_foreach(input, k, v) {
        bool seen = false;
        char **grown;
        for (size_t i = 0; i < W_ninputs && !seen; i++)
            seen = strcmp(W_inputs[i], k) == 0;
        if (seen || !(grown = realloc(W_inputs, (W_ninputs + 1) * sizeof *grown)))
            continue;
        W_inputs = grown;
        if ((W_inputs[W_ninputs] = strdup(k)) != NULL)
            W_ninputs++;
    }
}

void pvs_wsession_end(void)
{
    pv_session_free(W_sess); /* kills the child, removes its directory */
    W_sess = NULL;
    for (size_t i = 0; i < W_ninputs; i++)
        free(W_inputs[i]);
    free(W_inputs);
    W_inputs = NULL;
    W_ninputs = 0;
}
