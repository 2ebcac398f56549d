/*
 * service.h: `pyverify serve`, the verification and execution service (issue 8).
 *
 * Processes (no fork ever happens in a process with more than one thread):
 *
 *   front end (serve.c, dispatch.c)      HTTP/1.1 (libmicrohttpd, a thread per connection),
 *     |                                  JSON bodies are passed through untouched; a
 *     |  control socket (SEQPACKET)      dispatcher thread queues jobs for workers.
 *   zygote (zygote.c)                    forked by the front end before any thread starts;
 *     |                                  single-threaded; initialises the interpreter, loads
 *     |  fork                            the policy, imports the allowed modules, then only
 *   workers (zygote.c)                   forks workers and replaces the ones that exit.
 *     |                                  each a warm, single-threaded copy of the zygote:
 *     |  fork + exec (before a request)  parses a request with jansson, verifies it, runs it
 *   pyverify-template                    with its pv_runner (every runtime layer), answers;
 *     |  fork                            many requests (long-lived). The template, exec'd
 *   sandboxed child                      by the worker, forks the children (runner.c).
 *
 * A session (sessions.c) is a worker pinned to it: it forks the session's child on the
 * create request and then serves only that session's cells, until the session ends.
 *
 * A worker talks to the front end over its own stream socketpair, whose front-end end the
 * zygote hands over with SCM_RIGHTS. Frames on that socket are a pvs_frame header and
 * `len` payload bytes (the request body, or the reply's JSON document).
 */
#ifndef PV_SERVICE_H
#define PV_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PVS_MAX_WORKERS 256u

/* Configuration, fixed at start-up (command-line options of `pyverify serve`). */
typedef struct pvs_config {
    const char *listen;      /* "HOST:PORT", "[V6]:PORT" or "unix:PATH" */
    const char *rules;       /* policy file, NULL: the embedded default */
    const char *ready_file;  /* written (atomically) with the address once serving */
    unsigned workers;        /* concurrent runs */
    unsigned queue;          /* requests allowed to wait for a worker; beyond: 429 */
    size_t max_body;         /* bytes per request body; beyond: 413 */
    unsigned worker_requests;/* a worker is replaced after this many requests (0: never) */
    /* the most a request may ask for; requests above are capped */
    double max_timeout_s, max_cpu_s;
    size_t max_memory_mb, max_output_kb;
    double grace_s;          /* beyond a job's own limits, before its worker is killed */
    unsigned max_connections;
    unsigned max_per_address;   /* connections from one address (0: no limit) */
    unsigned reserve_connections; /* slots that connections still sending a request never take */
    double head_timeout_s, body_timeout_s; /* deadlines for a request's head and its body */
    unsigned reserve_workers;  /* idle workers only clients with nothing in flight may take */
    unsigned max_sessions;     /* sessions open at once (sessions.c; 0: none) */
    const char *require_layers; /* layers.h: the start-up run must have these ("" none) */
} pvs_config;

/* ---- front end <-> worker frames ------------------------------------------------------ */

#define PVS_MAGIC 0x31535650u /* "PVS1" */
enum { PVS_REQ_VERIFY = 1, PVS_REQ_RUN = 2, PVS_REPLY = 3, PVS_REQ_BATCH = 4,
       PVS_REQ_SESSION_NEW = 5, /* sessions.c: the worker becomes the session's (pinned) */
       PVS_REQ_SESSION_RUN = 6 };/* a cell of the worker's session: the /v1/run body */

typedef struct pvs_frame {
    uint32_t magic;
    uint32_t kind;       /* PVS_REQ_* or PVS_REPLY */
    uint64_t id;         /* request id, echoed in the reply */
    uint32_t len;        /* payload bytes that follow */
    int32_t http;        /* reply: HTTP status */
    int32_t run_status;  /* reply: pv_run_status of a run, -1 otherwise */
    int32_t verdict;     /* reply: pv_verdict, -1 when there was none */
    uint32_t flags;      /* reply: PVS_LAST when the worker exits after this reply */
    /* request: the client's maximums (clients.c), below the server's; the reply to
       PVS_REQ_SESSION_NEW: max_timeout_s is the session's idle timeout */
    double max_timeout_s, max_cpu_s;
    uint32_t max_memory_mb, max_output_kb;
} pvs_frame;
#define PVS_LAST 1u

/* ---- zygote -> front end control messages (SOCK_SEQPACKET) ---------------------------- */

enum { PVS_CTL_READY = 1, PVS_CTL_FATAL = 2, PVS_CTL_WORKER = 3 };

typedef struct pvs_ctl {
    uint32_t type;   /* PVS_CTL_* */
    int32_t slot;    /* PVS_CTL_WORKER: worker slot; its socket comes with SCM_RIGHTS */
    int32_t pid;     /* PVS_CTL_WORKER: the worker's pid */
    char msg[480];   /* PVS_CTL_FATAL: why the zygote could not start */
} pvs_ctl;

/* serve.c: `pyverify serve ARGS` (argv[0] is "serve"); the process's exit status. */
int pv_cli_serve(int argc, char **argv);

/* zygote.c: the zygote's main loop, in the child the front end forks first. Never returns. */
void pvs_zygote_main(const pvs_config *cfg, int ctl_fd) __attribute__((noreturn));

/* io helpers (zygote.c): whole reads and writes, retrying on EINTR. 0 or -1. */
int pvs_write_all(int fd, const void *p, size_t n);
int pvs_read_all(int fd, void *p, size_t n); /* -1 with errno 0 at a clean EOF */

/* ---- dispatch.c: jobs, workers, metrics (front end) ----------------------------------- */

typedef struct pvs_job pvs_job;

/* ---- clients.c: clients, tokens and quotas -------------------------------------------- */

#define PVS_MAX_CLIENTS 256u

#define PVS_SESSIONS_DEFAULT (~0u)
typedef struct pvs_client {
    char name[65];
    char *token;             /* owned; NULL: the anonymous client */
    unsigned concurrent;     /* its runs in flight at most */
    unsigned queue;          /* its requests waiting for a worker at most; beyond: 429 */
    unsigned weight;         /* its share of the workers, relative to the others' */
    double rate, burst;      /* requests per second (0: no limit), bucket size */
    double max_timeout_s, max_cpu_s;
    size_t max_memory_mb, max_output_kb;
    unsigned sessions;       /* sessions open at once at most (PVS_SESSIONS_DEFAULT: see
                                clients.c) */
    /* dispatch.c's state, under its lock */
    double bucket, refilled_at;
    unsigned in_flight, queued;
    unsigned sess_held;      /* sessions.c's, under its lock: open or being created */
    double usage, usage_at, score; /* recent use of the workers (dispatch.c, pick) */
    pvs_job *head, *tail;
    bool wait_fresh;         /* its head (a batch, a session) waits for a fresh worker */
    unsigned long long admitted, refused_rate, refused_queue;
} pvs_client;

/* Start-up, before any thread: 0 or -1 with a message printed. */
int pvs_clients_load(const char *path, const pvs_config *cfg);          /* --clients */
int pvs_clients_add_token(const char *name, char *token, const pvs_config *cfg); /* taken */
char *pvs_read_token_file(const char *what, const char *path);         /* malloc'ed */
pvs_client *pvs_clients_match(const char *bearer, bool local_peer);    /* NULL: 401 */
unsigned pvs_clients_count(void);
pvs_client *pvs_client_at(unsigned i);
void pvs_clients_free(void);

int pvs_dispatch_start(const pvs_config *cfg, int ctl_fd);
/* Submit a request of a client; NULL with *why set: "queue" (the client's share of the
 * queue is full: 429), "rate" (its rate: 429), "draining" (503), "workers" (none alive:
 * 503), "memory". The body is copied. */
pvs_job *pvs_submit(uint32_t kind, const char *body, size_t len, pvs_client *cl,
                    const char **why);
/* Wait for the reply; then the accessors are valid until pvs_job_free(). */
void pvs_wait(pvs_job *job);
int pvs_job_http(const pvs_job *job);
int pvs_job_run_status(const pvs_job *job); /* pv_run_status, -1: not a run */
const char *pvs_job_reply(const pvs_job *job, size_t *len);
uint64_t pvs_job_id(const pvs_job *job);
void pvs_job_free(pvs_job *job);
/* Stop taking requests; true once nothing is queued or running. */
void pvs_drain(void);
bool pvs_idle(void);
/* Stop the dispatcher thread and close every worker socket. */
void pvs_dispatch_stop(void);
/* True when the zygote is gone (the service cannot replace workers any more). */
bool pvs_zygote_lost(void);
unsigned pvs_workers_alive(void);

/* Sessions (sessions.c): a worker that took a PVS_REQ_SESSION_NEW job is pinned to it: it
 * gets no other job. Its slot and pid name it (a slot is reused by the next worker). */
bool pvs_job_worker(const pvs_job *job, unsigned *slot, pid_t *pid, double *aux);
/* Send a job to the pinned worker (slot, pid); NULL with *why: "gone" (it exited),
 * "busy", "draining", "rate", "memory". */
pvs_job *pvs_submit_pinned(unsigned slot, pid_t pid, uint32_t kind, const char *body,
                           size_t len, pvs_client *cl, const char **why);
bool pvs_pinned_alive(unsigned slot, pid_t pid);
/* Close the pinned worker's socket: it frees its session and exits. */
void pvs_release_pinned(unsigned slot, pid_t pid);

/* ---- sessions.c (front end): POST /v1/sessions, .../{id}/run, DELETE .../{id} --------- */

/* Lock order: sessions.c's lock, then dispatch.c's; never the other way round. */
enum { PVS_SESS_NEW = 1, PVS_SESS_RUN, PVS_SESS_DELETE };
/* Which session request URL and method are: PVS_SESS_*, or -404 / -405. */
void pvs_sessions_init(const pvs_config *cfg);
int pvs_sessions_route(const char *method, const char *url);
/* Answer it: the HTTP status, *reply a malloc'ed JSON document (NULL for 204). */
int pvs_sessions_handle(int op, const char *url, pvs_client *cl, const char *body, size_t len,
                        char **reply, size_t *rlen, int *run_status, uint64_t *id);
void pvs_sessions_tick(void);  /* the dispatcher thread: idle expiry */
void pvs_sessions_stop(void);  /* graceful stop: every session ends */
char *pvs_sessions_metrics_text(size_t *len); /* malloc'ed */

/* Metrics (Prometheus text exposition). */
void pvs_metric_http(const char *endpoint, int code, double seconds);
char *pvs_metrics_text(size_t *len); /* malloc'ed */

/* ---- accesslog.c: one JSON line per answer --------------------------------------------- */

int pvs_access_open(const char *path); /* NULL: stderr. 0 or -1 (message printed) */
void pvs_access_log(const char *method, const char *path, const char *client, int status,
                    int run_status, double ms, unsigned long long id);

/* ---- conn.c: the connection guard (deadlines, reserve, library messages) ------------- */

struct MHD_Connection;
typedef struct pvs_conn pvs_conn;
enum { PVS_CONN_HEAD, PVS_CONN_BODY, PVS_CONN_BUSY };
int pvs_conn_start(double head_s, double body_s, unsigned max_connections, unsigned reserve);
void pvs_conn_stop(void);
#ifdef MHD_VERSION /* files that include microhttpd.h first */
void pvs_conn_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                     enum MHD_ConnectionNotificationCode code); /* NOTIFY_CONNECTION */
void pvs_conn_logger(void *cls, const char *fmt, va_list ap)    /* EXTERNAL_LOGGER */
    __attribute__((format(printf, 2, 0)));
#endif
/* The connection's stage: HEAD (waiting for a request), BODY (head read), BUSY (whole
 * request read: answering). */
void pvs_conn_stage(struct MHD_Connection *c, int stage);
char *pvs_conn_metrics_text(size_t *len); /* malloc'ed */

#endif
