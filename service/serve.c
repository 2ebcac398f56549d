/*
 * serve.c: `pyverify serve`, the front end of the service (see service.h for the process
 * layout): options, the listening socket, the zygote, the HTTP API (libmicrohttpd) and a
 * graceful shutdown on SIGTERM.
 *
 *   POST /v1/verify   {"source", "filename"?, "mode"?, "globals"?, "layers"?}
 *                     -> {"path", "verdict", "diagnostics"}
 *   POST /v1/run      {"source", "filename"?, "mode"?, "input"?, "stdin"?, "limits"?}
 *                     -> the object of `pyverify run --json`, plus "limits" (as applied)
 *   POST /v1/sessions, POST /v1/sessions/{id}/run, DELETE /v1/sessions/{id}: sessions.c
 *   GET  /healthz     -> {"status": "ok", "workers": N} (503 when draining or no worker)
 *   GET  /metrics     -> Prometheus text
 *
 * Bodies are parsed by the workers (jansson); this process only checks method, path,
 * authentication and size, queues the body and relays the reply.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "pyverify.h"
#include "layers.h"
#include "service.h"

#define DEFAULT_LISTEN "127.0.0.1:8421"
#define MAX_TOKEN 4096u

enum { EP_VERIFY, EP_RUN, EP_BATCH, EP_SESSIONS, EP_HEALTHZ, EP_METRICS, EP_OTHER };
static const char *const ep_names[] = {"verify", "run", "batch", "sessions", "healthz",
                                       "metrics", "other"};
/* a session's id is not logged: the access log may be read by others than its client */
static const char *const ep_paths[] = {"/v1/verify", "/v1/run", "/v1/batch", "/v1/sessions",
                                       "/healthz", "/metrics", "other"};

static volatile sig_atomic_t g_draining; /* set once SIGTERM arrived */
static pvs_config G;              /* read-only once the daemon runs */
static char G_address[600];       /* what we listen on, for messages and the ready file */

static void usage(FILE *f)
{
    fputs("usage: pyverify serve [--listen HOST:PORT|unix:PATH] [--rules FILE] [--workers N]\n"
          "                      [--queue N] [--token-file FILE] [--clients FILE]\n"
          "                      [--reserve-workers N] [--max-body BYTES]\n"
          "                      [--max-timeout SEC] [--max-cpu SEC] [--max-memory MB]\n"
          "                      [--max-output KB] [--worker-requests N]\n"
          "                      [--max-connections N] [--max-per-address N]\n"
          "                      [--reserve-connections N] [--head-timeout SEC]\n"
          "                      [--body-timeout SEC] [--access-log FILE]\n"
          "                      [--ready-file FILE] [--require-layers LIST]\n"
          "                      [--max-sessions N]\n"
          "Verifies and runs programs on request (HTTP/1.1, JSON):\n"
          "  POST /v1/verify, POST /v1/run, POST /v1/batch, GET /healthz, GET /metrics\n"
          "  POST /v1/sessions, POST /v1/sessions/ID/run, DELETE /v1/sessions/ID\n"
          "defaults: --listen " DEFAULT_LISTEN " --workers 2 x cores --queue 64\n"
          "          --max-body 1048576 --max-timeout 10 --max-cpu 5 --max-memory 1024\n"
          "          --max-output 1024 --worker-requests 1000 --max-connections 256\n"
          "          --max-per-address 64 --reserve-connections max-connections/4\n"
          "          --head-timeout 10 --body-timeout 30 --reserve-workers 1 with\n"
          "          --clients, else 0; the access log (JSON lines) goes to stderr\n"
          "          --require-layers " PVS_LAYERS_DEFAULT "\n"
          "          --max-sessions workers/2 (each session holds a worker)\n"
          "--require-layers: the layers a start-up run must have, or the service does not\n"
          "start: layer names as in \"layers\", base, namespaces, all, none (comma-separated)\n"
          "A non-loopback address needs --token-file or --clients (TOML: each client's token\n"
          "and quotas; see docs/service.md). SIGTERM finishes the runs in flight.\n"
          "exit: 0 stopped by a signal, 1 the service failed, 2 usage or start-up error\n",
          f);
}

static int num(const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end = NULL;
    double v;
    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi) {
        fprintf(stderr, "pyverify serve: %s must be a number in [%g, %g]\n", opt, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

/* ---- authentication --------------------------------------------------------------------- */

/* --token-file or --clients was given: tokens are read after the zygote is forked, by the
 * front end only, so that no zygote, worker or sandboxed child ever has one in its memory
 * (clients.c). */
static bool token_given;
static bool loopback(const struct sockaddr *sa);

/* The client of a request (clients.c): by its bearer token, or the anonymous client for a
 * request without one from a loopback address or the unix socket. NULL: 401. */
static pvs_client *client_of(struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_AUTHORIZATION);
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    bool local = ci && ci->client_addr &&
                 (ci->client_addr->sa_family == AF_UNIX || loopback(ci->client_addr));
    if (h) {
        /* the scheme is case-insensitive (RFC 9110, 11.1), then one or more spaces */
        if (strncasecmp(h, "Bearer ", 7) != 0)
            return pvs_clients_match("", local); /* a token that matches no client */
        h += 7;
        while (*h == ' ')
            h++;
    }
    return pvs_clients_match(h, local);
}

/* A body must be declared JSON: "application/json", any case, parameters allowed (a
 * charset other than UTF-8 is not). A missing Content-Type is refused too: a browser
 * page may send a cross-site POST without a preflight only as text/plain, a form or with
 * no type at all, so requiring JSON keeps such pages from running code on a loopback
 * service. */
static bool json_content_type(struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_CONTENT_TYPE);
    const char *p;
    if (!h)
        return false;
    while (*h == ' ' || *h == '\t')
        h++;
    if (strncasecmp(h, "application/json", 16) != 0)
        return false;
    p = h + 16;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0')
        return true;
    if (*p != ';')
        return false;
    for (const char *cs = p; (cs = strchr(cs, ';')) != NULL;) {
        cs++;
        while (*cs == ' ' || *cs == '\t')
            cs++;
        if (strncasecmp(cs, "charset=", 8) == 0) {
            cs += 8;
            if (*cs == '"')
                cs++;
            if (strncasecmp(cs, "utf-8", 5) != 0 ||
                (cs[5] && cs[5] != '"' && cs[5] != ';' && cs[5] != ' '))
                return false;
        }
    }
    return true;
}

/* ---- HTTP ------------------------------------------------------------------------------- */

typedef struct req_ctx {
    int ep;
    int sess_op;        /* EP_SESSIONS: PVS_SESS_* */
    bool sess_run, sess_id; /* EP_SESSIONS: the path ends in /run; it has an id (405) */
    pvs_client *cl;     /* who asked; NULL until authenticated */
    const char *method; /* for the access log: GET, HEAD, POST or other */
    int run_status;     /* of a run, -1 otherwise */
    double t_head;      /* when the head was in */
    char *body;
    size_t len, cap;
    bool too_large, answered;
    double t0;
} req_ctx;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Queue a response; `body` is malloc'ed and taken (or a static string when !owned). */
static enum MHD_Result respond(struct MHD_Connection *c, req_ctx *r, int code, char *body,
                               size_t len, bool owned, const char *ctype, uint64_t id)
{
    struct MHD_Response *resp;
    enum MHD_Result ok;
    char idbuf[24];

    resp = MHD_create_response_from_buffer(len, body,
                                           owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        if (owned)
            free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    if (id) {
        snprintf(idbuf, sizeof idbuf, "%llu", (unsigned long long)id);
        MHD_add_response_header(resp, "X-Request-Id", idbuf);
    }
    if (code == 429 || (code == 503 && r->ep == EP_SESSIONS && !g_draining))
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
    if (code == 401)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
    if (code == 405)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
                                r->ep == EP_SESSIONS ? (r->sess_run || r->sess_op != -405 ||
                                                        !r->sess_id ? "POST" : "DELETE")
                                : r->ep <= EP_BATCH ? "POST" : "GET");
    ok = MHD_queue_response(c, (unsigned)code, resp);
    MHD_destroy_response(resp);
    r->answered = true;
    pvs_metric_http(ep_names[r->ep], code, now_s() - r->t0);
    pvs_access_log(r->method, ep_paths[r->ep], r->cl ? r->cl->name : NULL, code, r->run_status,
                   (now_s() - r->t_head) * 1000, id);
    return ok;
}

static enum MHD_Result error(struct MHD_Connection *c, req_ctx *r, int code, const char *msg)
{
    char *b = NULL;
    int n = asprintf(&b, "{\"error\":\"%s\"}", msg);
    if (n < 0)
        return MHD_NO;
    return respond(c, r, code, b, (size_t)n, true, "application/json", 0);
}

static enum MHD_Result healthz(struct MHD_Connection *c, req_ctx *r)
{
    unsigned alive = pvs_workers_alive();
    const char *st = g_draining ? "draining" : alive > 0 ? "ok" : "unavailable";
    char *b = NULL;
    int n = asprintf(&b, "{\"status\":\"%s\",\"workers\":%u,\"workers_configured\":%u}",
                     st, alive, G.workers);
    if (n < 0)
        return MHD_NO;
    return respond(c, r, strcmp(st, "ok") == 0 ? 200 : 503, b, (size_t)n, true,
                   "application/json", 0);
}

static enum MHD_Result metrics(struct MHD_Connection *c, req_ctx *r)
{
    size_t len = 0, l2 = 0, l3 = 0;
    char *t = pvs_metrics_text(&len), *t2 = pvs_conn_metrics_text(&l2),
         *t3 = pvs_sessions_metrics_text(&l3), *all;
    if (!t || !t2 || !t3 || !(all = realloc(t, len + l2 + l3 + 1))) {
        free(t);
        free(t2);
        free(t3);
        return error(c, r, 500, "out of memory");
    }
    memcpy(all + len, t2, l2);
    memcpy(all + len + l2, t3, l3 + 1);
    free(t2);
    free(t3);
    t = all;
    len += l2 + l3;
    return respond(c, r, 200, t, len, true, "text/plain; version=0.0.4", 0);
}

/* sessions.c answers EP_SESSIONS. */
static enum MHD_Result session(struct MHD_Connection *c, req_ctx *r, const char *url)
{
    char *reply = NULL;
    size_t len = 0;
    uint64_t id = 0;
    int code = pvs_sessions_handle(r->sess_op, url, r->cl, r->body ? r->body : "", r->len,
                                   &reply, &len, &r->run_status, &id);
    if (code == 204 || !reply) {
        free(reply);
        if (code != 204)
            return error(c, r, 500, "out of memory");
        return respond(c, r, 204, NULL, 0, false, "application/json", id);
    }
    return respond(c, r, code, reply, len, true, "application/json", id);
}

/* Paths are routed exactly as sent. libmicrohttpd's default would unescape them in place, so
 * that "%00" ended the string: DELETE /v1/sessions/ID%00/run deleted session ID (a proxy with
 * rules per path saw another path than the one served). Nothing is unescaped (no route needs a
 * percent-encoded character, and no route reads query arguments); a '%' in a path is a 400. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **con_cls)
{
    req_ctx *r = *con_cls;
    (void)cls;
    (void)version;

    if (!r) {
        const char *cl;
        bool post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
        bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
                   strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        *con_cls = r;
        r->t0 = r->t_head = now_s();
        r->run_status = -1;
        r->method = post ? "POST" : strcmp(method, MHD_HTTP_METHOD_GET) == 0 ? "GET"
                  : get  ? "HEAD" : "other";
        pvs_conn_stage(c, PVS_CONN_BODY); /* the head is in */
        if (strchr(url, '%')) {
            r->ep = EP_OTHER; /* logged as "other": nothing the client sent is copied */
            return error(c, r, 400, "a percent-encoded path is not accepted (no route needs "
                                    "one)");
        }
        r->ep = strcmp(url, "/v1/verify") == 0 ? EP_VERIFY
              : strcmp(url, "/v1/run") == 0    ? EP_RUN
              : strcmp(url, "/v1/batch") == 0  ? EP_BATCH
              : strcmp(url, "/healthz") == 0   ? EP_HEALTHZ
              : strcmp(url, "/metrics") == 0   ? EP_METRICS
              : (r->sess_op = pvs_sessions_route(method, url)) != -404 ? EP_SESSIONS
                                               : EP_OTHER;
        if (r->ep == EP_OTHER)
            return error(c, r, 404, "no such endpoint (POST /v1/verify, POST /v1/run, "
                                    "POST /v1/batch, POST /v1/sessions, "
                                    "POST /v1/sessions/ID/run, DELETE /v1/sessions/ID, "
                                    "GET /healthz, GET /metrics)");
        if (r->ep == EP_SESSIONS) {
            size_t ul = strlen(url);
            r->sess_run = ul > 4 && strcmp(url + ul - 4, "/run") == 0;
            r->sess_id = ul > 13;
            if (strcmp(method, MHD_HTTP_METHOD_DELETE) == 0)
                r->method = "DELETE";
        }
        if ((r->ep <= EP_BATCH && !post) || (r->ep > EP_SESSIONS && !get) ||
            (r->ep == EP_SESSIONS && r->sess_op < 0))
            return error(c, r, 405, "method not allowed");
        if (r->ep == EP_HEALTHZ)
            return healthz(c, r); /* for load balancers: no token needed, nothing revealed */
        if (!(r->cl = client_of(c)))
            return error(c, r, 401, "a valid bearer token is required");
        if (r->ep == EP_METRICS)
            return metrics(c, r);
        if (g_draining)
            return error(c, r, 503, "the service is shutting down");
        if (r->ep == EP_SESSIONS && r->sess_op == PVS_SESS_DELETE)
            return session(c, r, url); /* no body */
        if (!json_content_type(c))
            return error(c, r, 415, "the body must be JSON: send Content-Type: "
                                    "application/json");
        cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > G.max_body)
            return error(c, r, 413, "the request body is larger than --max-body");
        return MHD_YES; /* the body follows */
    }
    if (r->answered) {
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (r->too_large || r->len + n > G.max_body) {
            r->too_large = true;
            return MHD_YES; /* keep reading, answer 413 at the end */
        }
        if (r->len + n > r->cap) {
            size_t cap = r->cap ? r->cap : 4096;
            char *b;
            while (cap < r->len + n)
                cap *= 2;
            if (cap > G.max_body)
                cap = G.max_body;
            b = realloc(r->body, cap);
            if (!b)
                return MHD_NO;
            r->body = b;
            r->cap = cap;
        }
        memcpy(r->body + r->len, upload, n);
        r->len += n;
        return MHD_YES;
    }
    pvs_conn_stage(c, PVS_CONN_BUSY); /* the whole request is in */
    if (r->too_large)
        return error(c, r, 413, "the request body is larger than --max-body");
    {
        const char *why;
        pvs_job *job;
        size_t len;
        const char *reply;
        char *copy;
        enum MHD_Result ok;

        r->t0 = now_s(); /* latency from the whole body received */
        if (r->ep == EP_SESSIONS)
            return session(c, r, url);
        job = pvs_submit(r->ep == EP_VERIFY ? PVS_REQ_VERIFY
                         : r->ep == EP_BATCH ? PVS_REQ_BATCH : PVS_REQ_RUN,
                         r->body ? r->body : "", r->len, r->cl, &why);
        if (!job) {
            if (strcmp(why, "queue") == 0)
                return error(c, r, 429, "every worker this client may use is busy and its "
                                        "share of the queue is full");
            if (strcmp(why, "rate") == 0)
                return error(c, r, 429, "this client's rate of requests is exceeded");
            if (strcmp(why, "memory") == 0)
                return error(c, r, 500, "out of memory");
            return error(c, r, 503, strcmp(why, "draining") == 0
                                        ? "the service is shutting down"
                                        : "no worker is available");
        }
        pvs_wait(job);
        reply = pvs_job_reply(job, &len);
        copy = malloc(len + 1);
        if (!copy) {
            pvs_job_free(job);
            return MHD_NO;
        }
        memcpy(copy, reply, len);
        r->run_status = pvs_job_run_status(job);
        copy[len] = '\n';
        ok = respond(c, r, pvs_job_http(job), copy, len + 1, true, "application/json",
                     pvs_job_id(job));
        pvs_job_free(job);
        return ok;
    }
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    req_ctx *r = *con_cls;
    (void)cls;
    (void)toe;
    pvs_conn_stage(c, PVS_CONN_HEAD); /* keep-alive: the next head has a deadline too */
    if (r) {
        free(r->body);
        free(r);
    }
    *con_cls = NULL;
}

/* ---- the listening socket --------------------------------------------------------------- */

static const char *g_unix_path;

static int listen_unix(const char *path)
{
    struct sockaddr_un sa;
    struct stat st;
    mode_t old;
    int fd, rc;

    if (strlen(path) == 0 || strlen(path) >= sizeof sa.sun_path) {
        fprintf(stderr, "pyverify serve: --listen unix:PATH: the path must have 1 to %zu bytes\n",
                sizeof sa.sun_path - 1);
        return -1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, strlen(path));
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            fprintf(stderr, "pyverify serve: %s exists and is not a socket; it was not "
                            "touched\n", path);
            return -1;
        }
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
            close(fd);
            fprintf(stderr, "pyverify serve: %s: another server is listening there\n", path);
            return -1;
        }
        if (fd >= 0)
            close(fd);
        unlink(path); /* a stale socket of a server that is gone */
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    old = umask(0177); /* the socket is the owner's only: 0600 */
    rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc < 0 || listen(fd, 512) < 0) {
        fprintf(stderr, "pyverify serve: %s: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    g_unix_path = path;
    snprintf(G_address, sizeof G_address, "unix:%s", path);
    return fd;
}

static bool loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a) ||
               (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
    }
    return false;
}

static int listen_tcp(const char *spec)
{
    char host[256], port[16];
    const char *colon;
    struct addrinfo hints, *ai = NULL;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    int fd = -1, one = 1, rc;

    if (spec[0] == '[') {
        const char *end = strchr(spec, ']');
        if (!end || end[1] != ':' || (size_t)(end - spec - 1) >= sizeof host)
            goto bad;
        memcpy(host, spec + 1, (size_t)(end - spec - 1));
        host[end - spec - 1] = '\0';
        colon = end + 1;
    } else {
        colon = strrchr(spec, ':');
        if (!colon || (size_t)(colon - spec) >= sizeof host)
            goto bad;
        memcpy(host, spec, (size_t)(colon - spec));
        host[colon - spec] = '\0';
    }
    if (strlen(colon + 1) == 0 || strlen(colon + 1) >= sizeof port ||
        strspn(colon + 1, "0123456789") != strlen(colon + 1) || strtol(colon + 1, NULL, 10) > 65535)
        goto bad;
    snprintf(port, sizeof port, "%s", colon + 1);
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if ((rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai)) != 0) {
        fprintf(stderr, "pyverify serve: --listen %s: %s\n", spec, gai_strerror(rc));
        return -1;
    }
    if (!loopback(ai->ai_addr) && !token_given) {
        fprintf(stderr, "pyverify serve: --listen %s is not a loopback address: give "
                        "--token-file or --clients so that only holders of a token can run "
                        "code\n", spec);
        freeaddrinfo(ai);
        return -1;
    }
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 512) < 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
        fprintf(stderr, "pyverify serve: --listen %s: %s\n", spec, strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    freeaddrinfo(ai);
    {
        char h[INET6_ADDRSTRLEN], p[16];
        getnameinfo((struct sockaddr *)&ss, sl, h, sizeof h, p, sizeof p,
                    NI_NUMERICHOST | NI_NUMERICSERV);
        snprintf(G_address, sizeof G_address, ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", h,
                 p);
    }
    return fd;
bad:
    fprintf(stderr, "pyverify serve: --listen must be HOST:PORT, [V6ADDR]:PORT or unix:PATH, "
                    "not '%s'\n", spec);
    return -1;
}

static int write_ready_file(const char *path)
{
    char tmp[4200];
    FILE *f;
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    f = fopen(tmp, "wx");
    if (!f)
        return -1;
    fprintf(f, "%s\n", G_address);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* ---- main ------------------------------------------------------------------------------- */

/* Wait for the zygote's READY (or FATAL). 0, or -1 with a message printed. */
static int await_zygote(int ctl)
{
    pvs_ctl m;
    struct pollfd p = {ctl, POLLIN, 0};
    ssize_t n;
    int rc = poll(&p, 1, 120000);
    if (rc <= 0) {
        fprintf(stderr, "pyverify serve: the zygote did not start\n");
        return -1;
    }
    n = recv(ctl, &m, sizeof m, 0);
    if (n != (ssize_t)sizeof m) {
        fprintf(stderr, "pyverify serve: the zygote exited during start-up\n");
        return -1;
    }
    if (m.type != PVS_CTL_READY) {
        m.msg[sizeof m.msg - 1] = '\0';
        fprintf(stderr, "pyverify serve: %s\n", m.msg);
        return -1;
    }
    return 0;
}

int pv_cli_serve(int argc, char **argv)
{
    enum { O_LISTEN = 1, O_RULES, O_WORKERS, O_QUEUE, O_TOKEN, O_MAXBODY, O_MAXTIMEOUT,
           O_MAXCPU, O_MAXMEM, O_MAXOUT, O_WREQ, O_MAXCONN, O_READY, O_HELP, O_PERADDR,
           O_RESERVE, O_HEADTO, O_BODYTO, O_CLIENTS, O_RESWORKERS, O_ACCESSLOG, O_REQLAYERS,
           O_MAXSESS };
    static const struct option longopts[] = {
        {"listen", required_argument, 0, O_LISTEN},
        {"rules", required_argument, 0, O_RULES},
        {"workers", required_argument, 0, O_WORKERS},
        {"queue", required_argument, 0, O_QUEUE},
        {"token-file", required_argument, 0, O_TOKEN},
        {"max-body", required_argument, 0, O_MAXBODY},
        {"max-timeout", required_argument, 0, O_MAXTIMEOUT},
        {"max-cpu", required_argument, 0, O_MAXCPU},
        {"max-memory", required_argument, 0, O_MAXMEM},
        {"max-output", required_argument, 0, O_MAXOUT},
        {"worker-requests", required_argument, 0, O_WREQ},
        {"max-connections", required_argument, 0, O_MAXCONN},
        {"ready-file", required_argument, 0, O_READY},
        {"max-per-address", required_argument, 0, O_PERADDR},
        {"reserve-connections", required_argument, 0, O_RESERVE},
        {"head-timeout", required_argument, 0, O_HEADTO},
        {"body-timeout", required_argument, 0, O_BODYTO},
        {"clients", required_argument, 0, O_CLIENTS},
        {"reserve-workers", required_argument, 0, O_RESWORKERS},
        {"access-log", required_argument, 0, O_ACCESSLOG},
        {"require-layers", required_argument, 0, O_REQLAYERS},
        {"max-sessions", required_argument, 0, O_MAXSESS},
        {"help", no_argument, 0, O_HELP},
        {0, 0, 0, 0}};
    const char *token_file = NULL, *clients_file = NULL, *access_log = NULL;
    const char *require_layers = PVS_LAYERS_DEFAULT;
    static char required[1024];
    char why[1024];
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int c, lfd = -1, ctl[2] = {-1, -1}, status = 2;
    double v;
    pid_t zygote = -1;
    struct MHD_Daemon *d = NULL;
    sigset_t set;

    memset(&G, 0, sizeof G);
    G.listen = DEFAULT_LISTEN;
    G.workers = (unsigned)(cores > 0 ? 2 * cores : 2);
    if (G.workers > 64)
        G.workers = 64;
    G.queue = 64;
    G.max_body = 1u << 20;
    G.worker_requests = 1000;
    G.max_timeout_s = 10;
    G.max_cpu_s = 5;
    G.max_memory_mb = 1024;
    G.max_output_kb = 1024;
    G.grace_s = 5;
    G.max_connections = 256;
    G.max_per_address = 64;
    G.reserve_connections = ~0u; /* max-connections / 4 */
    G.reserve_workers = ~0u;     /* 1 with --clients, else 0 */
    G.max_sessions = ~0u;        /* workers / 2 */
    G.head_timeout_s = 10;
    G.body_timeout_s = 30;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case O_LISTEN: G.listen = optarg; break;
        case O_RULES: G.rules = optarg; break;
        case O_TOKEN: token_file = optarg; break;
        case O_CLIENTS: clients_file = optarg; break;
        case O_ACCESSLOG: access_log = optarg; break;
        case O_READY: G.ready_file = optarg; break;
        case O_REQLAYERS: require_layers = optarg; break;
        case O_WORKERS:
            if (num("--workers", optarg, 1, PVS_MAX_WORKERS, &v) < 0)
                return 2;
            G.workers = (unsigned)v;
            break;
        case O_QUEUE:
            if (num("--queue", optarg, 0, 100000, &v) < 0)
                return 2;
            G.queue = (unsigned)v;
            break;
        case O_MAXBODY:
            if (num("--max-body", optarg, 64, 64.0 * 1024 * 1024, &v) < 0)
                return 2;
            G.max_body = (size_t)v;
            break;
        case O_MAXTIMEOUT:
            if (num("--max-timeout", optarg, 0.001, 3600, &G.max_timeout_s) < 0)
                return 2;
            break;
        case O_MAXCPU:
            if (num("--max-cpu", optarg, 0.001, 3600, &G.max_cpu_s) < 0)
                return 2;
            break;
        case O_MAXMEM:
            if (num("--max-memory", optarg, 32, 1u << 22, &v) < 0)
                return 2;
            G.max_memory_mb = (size_t)v;
            break;
        case O_MAXOUT:
            if (num("--max-output", optarg, 1, 1024 * 1024, &v) < 0)
                return 2;
            G.max_output_kb = (size_t)v;
            break;
        case O_WREQ:
            if (num("--worker-requests", optarg, 0, 1e9, &v) < 0)
                return 2;
            G.worker_requests = (unsigned)v;
            break;
        case O_MAXCONN:
            if (num("--max-connections", optarg, 1, 100000, &v) < 0)
                return 2;
            G.max_connections = (unsigned)v;
            break;
        case O_PERADDR:
            if (num("--max-per-address", optarg, 0, 100000, &v) < 0)
                return 2;
            G.max_per_address = (unsigned)v;
            break;
        case O_RESERVE:
            if (num("--reserve-connections", optarg, 0, 100000, &v) < 0)
                return 2;
            G.reserve_connections = (unsigned)v;
            break;
        case O_RESWORKERS:
            if (num("--reserve-workers", optarg, 0, PVS_MAX_WORKERS - 1, &v) < 0)
                return 2;
            G.reserve_workers = (unsigned)v;
            break;
        case O_MAXSESS:
            if (num("--max-sessions", optarg, 0, PVS_MAX_WORKERS - 1, &v) < 0)
                return 2;
            G.max_sessions = (unsigned)v;
            break;
        case O_HEADTO:
            if (num("--head-timeout", optarg, 0.1, 3600, &G.head_timeout_s) < 0)
                return 2;
            break;
        case O_BODYTO:
            if (num("--body-timeout", optarg, 0.1, 3600, &G.body_timeout_s) < 0)
                return 2;
            break;
        case O_HELP:
        case 'h':
            usage(stdout);
            return 0;
        default:
            fprintf(stderr, "pyverify serve: unknown or incomplete option '%s'\n",
                    argv[optind - 1]);
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    if (pvs_layers_parse(require_layers, required, sizeof required, why, sizeof why) < 0) {
        fprintf(stderr, "pyverify serve: %s\n", why);
        return 2;
    }
    G.require_layers = required;
    token_given = token_file != NULL || clients_file != NULL;
    if (G.reserve_connections == ~0u)
        G.reserve_connections = G.max_connections / 4;
    if (G.reserve_workers == ~0u) /* one for newcomers where clients share the service */
        G.reserve_workers = clients_file && G.workers >= 2 ? 1 : 0;
    if (G.reserve_workers >= G.workers) {
        fprintf(stderr, "pyverify serve: --reserve-workers must be below --workers\n");
        return 2;
    }
    /* a session holds a worker: some must stay for runs, and for the reserve */
    if (G.max_sessions == ~0u) {
        G.max_sessions = G.workers / 2;
        if (G.max_sessions + G.reserve_workers >= G.workers)
            G.max_sessions = G.workers - G.reserve_workers - 1;
    } else if (G.max_sessions > 0 && G.max_sessions + G.reserve_workers >= G.workers) {
        fprintf(stderr, "pyverify serve: --max-sessions plus --reserve-workers must be below "
                        "--workers (each session holds a worker)\n");
        return 2;
    }
    if (G.reserve_connections >= G.max_connections) {
        fprintf(stderr, "pyverify serve: --reserve-connections must be below "
                        "--max-connections\n");
        return 2;
    }
    lfd = strncmp(G.listen, "unix:", 5) == 0 ? listen_unix(G.listen + 5) : listen_tcp(G.listen);
    if (lfd < 0)
        goto out;

    /* the zygote first, while this process has one thread */
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl) < 0) {
        perror("pyverify serve: socketpair");
        goto out;
    }
    fflush(NULL);
    zygote = fork();
    if (zygote < 0) {
        perror("pyverify serve: fork");
        goto out;
    }
    if (zygote == 0) {
        close(lfd);
        close(ctl[0]);
        pvs_zygote_main(&G, ctl[1]);
    }
    close(ctl[1]);
    ctl[1] = -1;
    if (token_file) {
        char *t = pvs_read_token_file("--token-file", token_file);
        if (!t || pvs_clients_add_token("token", t, &G) < 0) {
            free(t);
            goto out;
        }
    }
    if (clients_file && pvs_clients_load(clients_file, &G) < 0)
        goto out;
    if (!token_file && !clients_file && pvs_clients_add_token("anonymous", NULL, &G) < 0)
        goto out;
    if (await_zygote(ctl[0]) < 0 || pvs_access_open(access_log) < 0)
        goto out;

    /* every thread inherits this mask; the main thread takes the signals with sigwait */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    pvs_sessions_init(&G);
    if (pvs_dispatch_start(&G, ctl[0]) < 0) {
        fprintf(stderr, "pyverify serve: cannot start the dispatcher\n");
        goto out;
    }
    ctl[0] = -1; /* the dispatcher owns it */
    if (pvs_conn_start(G.head_timeout_s, G.body_timeout_s, G.max_connections,
                       G.reserve_connections) < 0) {
        fprintf(stderr, "pyverify serve: cannot start the connection guard\n");
        goto out;
    }
    d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                             MHD_USE_ITC | MHD_USE_POLL | MHD_USE_ERROR_LOG,
                         0, NULL, NULL, on_request, NULL, /* the logger comes first */
                         MHD_OPTION_EXTERNAL_LOGGER, pvs_conn_logger, NULL,
                         MHD_OPTION_LISTEN_SOCKET, lfd,
                         MHD_OPTION_CONNECTION_LIMIT, G.max_connections,
                         MHD_OPTION_PER_IP_CONNECTION_LIMIT, G.max_per_address,
                         MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_NOTIFY_COMPLETED,
                         on_completed, NULL, MHD_OPTION_NOTIFY_CONNECTION, pvs_conn_notify,
                         NULL, MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
                         MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "pyverify serve: cannot start the HTTP server\n");
        status = 1;
        goto out;
    }
    lfd = -1; /* the daemon owns it */
    for (int i = 0; i < 1000 && pvs_workers_alive() < G.workers; i++)
        usleep(10000);
    fprintf(stderr, "pyverify serve: listening on %s (%u workers, queue %u)\n", G_address,
            pvs_workers_alive(), G.queue);
    if (G.ready_file && write_ready_file(G.ready_file) < 0)
        fprintf(stderr, "pyverify serve: cannot write --ready-file %s: %s\n", G.ready_file,
                strerror(errno));

    for (;;) {
        int sig = 0;
        if (sigwait(&set, &sig) != 0)
            continue;
        if (sig == SIGHUP)
            continue;
        break;
    }
    /* graceful stop: no new connections or requests; the runs in flight finish */
    g_draining = 1;
    pvs_drain();
    {
        MHD_socket q = MHD_quiesce_daemon(d);
        double until = now_s() + G.max_timeout_s + G.grace_s + 5;
        if (q != MHD_INVALID_SOCKET)
            close(q);
        fprintf(stderr, "pyverify serve: stopping; finishing the requests in flight\n");
        while (!pvs_idle() && now_s() < until)
            usleep(10000);
    }
    MHD_stop_daemon(d);
    d = NULL;
    pvs_conn_stop();
    pvs_sessions_stop(); /* every session's worker frees its session and exits */
    pvs_dispatch_stop();
    status = pvs_zygote_lost() ? 1 : 0;
    if (status)
        fprintf(stderr, "pyverify serve: the zygote exited; stopping\n");
out:
    if (d)
        MHD_stop_daemon(d);
    pvs_conn_stop();
    if (lfd >= 0)
        close(lfd);
    if (ctl[0] >= 0)
        close(ctl[0]);
    if (ctl[1] >= 0)
        close(ctl[1]);
    if (zygote > 0) {
        int st;
        for (int i = 0; i < 600; i++) {
            pid_t p = waitpid(zygote, &st, WNOHANG);
            if (p == zygote || (p < 0 && errno != EINTR))
                break;
            usleep(50000);
        }
        if (waitpid(zygote, &st, WNOHANG) == 0) {
            kill(zygote, SIGKILL);
            waitpid(zygote, &st, 0);
        }
    }
    if (g_unix_path)
        unlink(g_unix_path);
    pvs_clients_free();
    if (status == 0)
        fprintf(stderr, "pyverify serve: stopped\n");
    return status;
}
