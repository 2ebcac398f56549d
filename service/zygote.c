/*
 * zygote.c: the service's zygote and its workers.
 *
 * The zygote is the first child of `pyverify serve`, forked while the front end still has
 * one thread. It initialises the embedded interpreter, loads the policy, verifies and runs
 * a warm-up program (so the allowed modules are imported and the seccomp filter compiled
 * once), and then does nothing but fork workers and replace those that exit. It never
 * reads a request.
 *
 * The zygote is the clean template (runtime/README.md, "The process tree"): it zeroes the
 * environment before its interpreter starts, never holds the bearer token (read by the
 * front end after this fork) and never reads a request.
 *
 * A worker is a single-threaded copy of the warm zygote. Before it reads anything it starts
 * its runner's template (pyverify-template, exec'd: template.c), which alone forks the
 * sandboxed children, so the worker serves many requests and never forks a child once it
 * holds one (without a template: one run in a child forked before any request, then it
 * exits). It reads one framed request at a time from its socket, parses the JSON body with
 * jansson, verifies the source with the policy (both static layers), runs an accepted
 * program with pv_runner_run() (every runtime layer), and writes the reply. A worker that
 * dies, or reaches its request budget, is replaced; its template and children die with it
 * (the template's channel closes; PR_SET_PDEATHSIG in the sandbox).
 */
#include <Python.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "pyverify.h"
#include "run_json.h"
#include "run_here.h"
#include "template.h"
#include "runtime.h"
#include "layers.h"
#include "service.h"
#include "service_batch.h"
#include "service_sessions.h"

/* Fields a request body may have; anything else is a 400 (fail closed on what we do not
 * understand, e.g. a misspelt "limits"). */
static const char *const verify_fields[] = {"source", "filename", "mode", "globals", "layers",
                                            NULL};
static const char *const run_fields[] = {"source", "filename", "mode", "input", "stdin",
                                         "limits", NULL};
static const char *const limit_fields[] = {"timeout_s", "cpu_s", "memory_mb", "output_kb",
                                           NULL};

#define PVS_MAX_FILENAME 256u
#define PVS_MAX_GLOBALS 256u

int pvs_write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w < 0 && errno == ENOTSOCK)
            w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

int pvs_read_all(int fd, void *p, size_t n)
{
    char *c = p;
    while (n > 0) {
        ssize_t r = read(fd, c, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0)
            errno = 0;
        if (r <= 0)
            return -1;
        c += r;
        n -= (size_t)r;
    }
    return 0;
}

static unsigned long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long)ts.tv_sec * 1000ul + (unsigned long)ts.tv_nsec / 1000000ul;
}

/* ---- request handling (workers) -------------------------------------------------------- */

typedef struct reply {
    int http;
    int run_status; /* -1: not a run */
    int verdict;    /* -1: no verdict */
    json_t *doc;    /* owned */
} reply;

static void fail_reply(reply *r, int http, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail_reply(reply *r, int http, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_decref(r->doc);
    r->http = http;
    r->doc = json_pack("{s:s}", "error", msg);
}

static const char *unknown_field(json_t *obj, const char *const *known)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        bool ok = false;
        (void)v;
        for (size_t i = 0; known[i] && !ok; i++)
            ok = strcmp(k, known[i]) == 0;
        if (!ok)
            return k;
    }
    return NULL;
}

/* The fields both endpoints share. 0, or -1 with r set to a 400. */
typedef struct common {
    const char *source;
    size_t source_len;
    const char *filename;
    pv_mode mode;
} common;

static int parse_common(json_t *req, common *c, reply *r)
{
    json_t *v = json_object_get(req, "source");
    if (!json_is_string(v)) {
        fail_reply(r, 400, "\"source\" must be a string (the program's text)");
        return -1;
    }
    c->source = json_string_value(v);
    c->source_len = json_string_length(v);
    c->filename = "<request>";
    if ((v = json_object_get(req, "filename"))) {
        if (!json_is_string(v) || json_string_length(v) == 0 ||
            json_string_length(v) > PVS_MAX_FILENAME ||
            strlen(json_string_value(v)) != json_string_length(v)) {
            fail_reply(r, 400, "\"filename\" must be a string of 1 to %u characters without NUL",
                       PVS_MAX_FILENAME);
            return -1;
        }
        c->filename = json_string_value(v);
    }
    c->mode = PV_MODE_MODULE;
    if ((v = json_object_get(req, "mode"))) {
        const char *m = json_string_value(v);
        if (m && strcmp(m, "module") == 0)
            c->mode = PV_MODE_MODULE;
        else if (m && strcmp(m, "expr") == 0)
            c->mode = PV_MODE_EXPR;
        else {
            fail_reply(r, 400, "\"mode\" must be \"module\" or \"expr\"");
            return -1;
        }
    }
    return 0;
}

/* pv_verify() errors: a bad request (400) or a failure of the service (500). */
static void verify_error(reply *r, int rc)
{
    fail_reply(r, rc == PV_ERR_INVALID ? 400 : 500, "%s", pv_last_error());
}

static void do_verify(const pv_policy *pol, json_t *req, reply *r)
{
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    const char *globals[PVS_MAX_GLOBALS];
    const char *bad;
    common c;
    json_t *v, *jd;
    pv_program *prog = NULL;
    int rc;

    if ((bad = unknown_field(req, verify_fields))) {
        fail_reply(r, 400, "unknown field \"%s\" (known: source, filename, mode, globals, layers)",
                   bad);
        return;
    }
    if (parse_common(req, &c, r) < 0)
        return;
    vo.mode = c.mode;
    if ((v = json_object_get(req, "globals"))) {
        size_t i;
        json_t *g;
        if (!json_is_array(v) || json_array_size(v) > PVS_MAX_GLOBALS) {
            fail_reply(r, 400, "\"globals\" must be an array of at most %u names",
                       PVS_MAX_GLOBALS);
            return;
        }
        json_array_foreach(v, i, g) {
            if (!json_is_string(g) || strlen(json_string_value(g)) != json_string_length(g)) {
                fail_reply(r, 400, "\"globals\" must contain strings without NUL");
                return;
            }
            globals[i] = json_string_value(g);
        }
        vo.globals = globals;
        vo.nglobals = json_array_size(v);
    }
    if ((v = json_object_get(req, "layers"))) {
        const char *l = json_string_value(v);
        if (l && strcmp(l, "ast") == 0)
            vo.layers = PV_LAYER_AST;
        else if (l && strcmp(l, "bytecode") == 0)
            vo.layers = PV_LAYER_BYTECODE;
        else if (l && (strcmp(l, "ast,bytecode") == 0 || strcmp(l, "bytecode,ast") == 0))
            vo.layers = PV_LAYER_AST | PV_LAYER_BYTECODE;
        else {
            fail_reply(r, 400, "\"layers\" must be \"ast\", \"bytecode\" or \"ast,bytecode\"");
            return;
        }
    }
    rc = pv_verify(&prog, pol, c.source, c.source_len, c.filename, &vo);
    if (rc < 0) {
        verify_error(r, rc);
        return;
    }
    jd = json_array();
    for (size_t k = 0; jd && k < pv_program_diag_count(prog); k++)
        json_array_append_new(jd, pv_cli_diag_json(pv_program_diag(prog, k)));
    r->verdict = (int)pv_program_verdict(prog);
    r->http = 200;
    r->doc = jd ? json_pack("{s:s, s:s, s:o}", "path", c.filename, "verdict",
                            pv_cli_verdict_name(pv_program_verdict(prog)), "diagnostics", jd)
                : NULL;
    pv_program_free(prog);
}

/* A limit from the request, or the default, capped by the server's maximum. */
static int limit_seconds(json_t *lim, const char *key, double def, double max, double *out,
                         reply *r)
{
    json_t *v = lim ? json_object_get(lim, key) : NULL;
    double x = def;
    if (v) {
        if (!json_is_number(v) || !(json_number_value(v) > 0)) {
            fail_reply(r, 400, "\"limits.%s\" must be a positive number of seconds", key);
            return -1;
        }
        x = json_number_value(v);
    }
    *out = x < max ? x : max;
    return 0;
}

static int limit_size(json_t *lim, const char *key, size_t def, size_t min, size_t max,
                      size_t *out, reply *r)
{
    json_t *v = lim ? json_object_get(lim, key) : NULL;
    json_int_t x = (json_int_t)def;
    if (v) {
        if (!json_is_integer(v) || json_integer_value(v) < (json_int_t)min) {
            fail_reply(r, 400, "\"limits.%s\" must be an integer of at least %zu", key, min);
            return -1;
        }
        x = json_integer_value(v);
    }
    *out = (size_t)x < max ? (size_t)x : max;
    return 0;
}

/* An "input" key must be an identifier and no dunder (the runtime checks again); the 400
 * names the request field, not the command line's --input. 0, or -1 with r set. */
static int input_key_ok(const char *k, reply *r)
{
    size_t n = strlen(k);
    PyObject *s = PyUnicode_DecodeUTF8(k, (Py_ssize_t)n, "strict");
    int ident = s ? PyUnicode_IsIdentifier(s) : 0;
    Py_XDECREF(s);
    if (PyErr_Occurred())
        PyErr_Clear();
    if (ident == 1 && !(n >= 4 && k[0] == '_' && k[1] == '_' && k[n - 1] == '_' &&
                        k[n - 2] == '_'))
        return 0;
    fail_reply(r, 400, "\"input.%.64s\": a binding's name must be an identifier and not a "
               "dunder", k);
    return -1;
}

/* The worker's runner (NULL: plain pv_run). Its children come from an exec'd
 * pyverify-template the worker started before it read any request (g_long_lived): the
 * worker runs any number of programs. Where the template cannot be started, the runner
 * forks its one child from this worker before any request and the worker exits after one
 * run (single-use, as before the template). */
static pv_runner *g_runner;
static bool g_long_lived;
/* A runner failure in a long-lived worker (its template gone): it retires after replying. */
static bool g_retire;
/* $PYVERIFY_TEMPLATE, read by the zygote before it wipes the environment (NULL: unset). */
static char *g_template_path;
/* Workers the zygote has forked (in a worker: itself included): only the first pool says
 * why it has no template, not every replacement. */
static unsigned long g_spawned;

/* Requests this worker has read (verify or run): its memory holds them. */
static unsigned g_served;

static void do_run(const pvs_config *cfg, const pv_policy *pol, json_t *req, reply *r)
{
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    pv_run_opts ro = PV_RUN_OPTS_INIT;
    const char *globals[PVS_MAX_GLOBALS];
    const char **sglobals = NULL; /* a session's cell: with the names of earlier cells */
    const char *bad;
    char *input_text = NULL;
    common c;
    json_t *v, *input = NULL, *lim = NULL;
    pv_program *prog = NULL;
    pv_run_result *res = NULL;
    int rc;

    if ((bad = unknown_field(req, run_fields))) {
        fail_reply(r, 400, "unknown field \"%s\" (known: source, filename, mode, input, stdin, "
                   "limits)", bad);
        return;
    }
    if (parse_common(req, &c, r) < 0)
        return;
    vo.mode = c.mode;
    if ((v = input = json_object_get(req, "input"))) {
        const char *k;
        json_t *x;
        size_t n = 0;
        if (!json_is_object(v) || json_object_size(v) > PVS_MAX_GLOBALS) {
            fail_reply(r, 400, "\"input\" must be an object of at most %u bindings",
                       PVS_MAX_GLOBALS);
            return;
        }
        json_object_foreach(v, k, x) {
            (void)x;
            if (input_key_ok(k, r) < 0)
                return;
            globals[n++] = k;
        }
        vo.globals = globals;
        vo.nglobals = n;
        input_text = json_dumps(v, JSON_COMPACT);
        if (!input_text) {
            fail_reply(r, 500, "out of memory");
            return;
        }
        ro.input_json = input_text;
    }
    if ((v = json_object_get(req, "stdin")) && pvs_wsession_active()) {
        fail_reply(r, 400, "\"stdin\" is not available in a session (its cells read /dev/null)");
        goto done;
    }
    if (v) {
        if (!json_is_string(v)) {
            fail_reply(r, 400, "\"stdin\" must be a string");
            goto done;
        }
        ro.stdin_data = json_string_value(v);
        ro.stdin_len = json_string_length(v);
    }
    if ((lim = json_object_get(req, "limits"))) {
        if (!json_is_object(lim)) {
            fail_reply(r, 400, "\"limits\" must be an object");
            goto done;
        }
        if ((bad = unknown_field(lim, limit_fields))) {
            fail_reply(r, 400, "unknown field \"limits.%s\" (known: timeout_s, cpu_s, "
                       "memory_mb, output_kb)", bad);
            goto done;
        }
    }
    if (lim && pvs_wsession_active() && json_object_get(lim, "memory_mb")) {
        fail_reply(r, 400, "\"limits.memory_mb\" of a session is set when it is created");
        goto done;
    }
    if (pvs_wsession_active()) {
        size_t n = vo.nglobals;
        if (!(sglobals = pvs_wsession_globals(globals, n, &n))) {
            fail_reply(r, 500, "out of memory");
            goto done;
        }
        vo.globals = sglobals;
        vo.nglobals = n;
    }
    if (limit_seconds(lim, "timeout_s", PV_RUN_DEFAULT_TIMEOUT_S, cfg->max_timeout_s,
                      &ro.timeout_s, r) < 0 ||
        limit_seconds(lim, "cpu_s", PV_RUN_DEFAULT_CPU_S, cfg->max_cpu_s, &ro.cpu_s, r) < 0 ||
        limit_size(lim, "memory_mb", PV_RUN_DEFAULT_MEMORY_MB, 32, cfg->max_memory_mb,
                   &ro.memory_mb, r) < 0 ||
        limit_size(lim, "output_kb", PV_RUN_DEFAULT_OUTPUT_KB, 1, cfg->max_output_kb,
                   &ro.output_kb, r) < 0)
        goto done;

    rc = pvs_wsession_active()
             ? pvs_wsession_verify(&prog, c.source, c.source_len, c.filename, &vo)
             : pv_verify(&prog, pol, c.source, c.source_len, c.filename, &vo);
    if (rc < 0) {
        verify_error(r, rc);
        goto done;
    }
    r->verdict = (int)pv_program_verdict(prog);
    if (pv_program_verdict(prog) != PV_ACCEPTED) {
        r->run_status = PV_RUN_REJECTED;
        r->doc = pv_cli_run_doc(prog, NULL, c.filename, false);
    } else {
        /* a clean template: the child is the one forked before this worker saw a request;
           without one, this worker forks only if this request is the first it holds */
        if (!g_runner && g_served > 0 && !pvs_wsession_active()) {
            fail_reply(r, 503, "no clean sandbox child in this worker; retry");
            goto done;
        }
        /* a session's cell: its child was forked before the session's first cell */
        rc = pvs_wsession_active() ? pvs_wsession_run(&res, prog, &ro)
             : g_runner            ? pv_runner_run(g_runner, &res, prog, &ro)
                                   : pvx_run_here(&res, prog, &ro);
        if (rc < 0 && pvs_wsession_active() && !pvs_wsession_alive()) {
            fail_reply(r, 404, "the session has ended: %s", pv_last_error());
            goto done;
        }
        if (rc < 0) {
            if (rc != PV_ERR_INVALID && g_runner && !pvs_wsession_active())
                g_retire = true; /* e.g. its template died: a fresh worker starts another */
            fail_reply(r, rc == PV_ERR_INVALID ? 400 : 500, "%s", pv_last_error());
            goto done;
        }
        if (pvs_wsession_active() && input)
            pvs_wsession_ran(input);
        r->run_status = (int)pv_run_result_status(res);
        r->doc = pv_cli_run_doc(prog, res, c.filename, false);
    }
    r->http = 200;
    if (pvs_wsession_active()) {
        ro.memory_mb = pvs_wsession_memory_mb(); /* the session's, not the cell's */
        if (r->doc)
            json_object_set_new(r->doc, "session",
                                json_string(pvs_wsession_alive() ? "open" : "ended"));
    }
    if (r->doc)
        json_object_set_new(r->doc, "limits",
                            json_pack("{s:f, s:f, s:I, s:I}", "timeout_s", ro.timeout_s, "cpu_s",
                                      ro.cpu_s, "memory_mb", (json_int_t)ro.memory_mb,
                                      "output_kb", (json_int_t)ro.output_kb));
done:
    pv_run_result_free(res);
    pv_program_free(prog);
    free(input_text);
    free(sglobals);
}

/* PVS_REQ_SESSION_NEW (sessions.c): this worker becomes the session's. Its "input" is
 * bound by a first run of an empty cell, which checks it as /v1/run's "input". */
static void session_new(const pvs_config *cfg, const pv_policy *pol, json_t *req, reply *r)
{
    json_t *input = json_object_get(req, "input");
    bool clean = g_served == 0;
    if (clean) {
        pv_runner_free(g_runner); /* the session forks its own child */
        g_runner = NULL;
        g_long_lived = false;
    }
    r->doc = pvs_wsession_new(cfg, pol, req, clean, input != NULL, &r->http);
    if (r->http == 201 && input) {
        reply b = {500, -1, -1, NULL};
        json_t *first = json_pack("{s:s, s:O}", "source", "", "input", input);
        if (first)
            do_run(cfg, pol, first, &b);
        json_decref(first);
        if (b.http != 200 || b.run_status != PV_RUN_OK) {
            json_decref(r->doc);
            r->doc = b.doc;
            r->http = b.http == 200 ? 500 : b.http;
            if (b.http == 200)
                fail_reply(r, 500, "the session could not bind its input");
            pvs_wsession_end();
            return;
        }
        json_decref(b.doc);
    }
}

static void handle(const pvs_config *cfg, const pv_policy *pol, uint32_t kind, const char *body,
                   size_t len, reply *r)
{
    json_error_t err;
    /* NUL is allowed in strings: a source with NUL bytes gets the verifier's diagnostic */
    json_t *req = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
    if (!req) {
        fail_reply(r, 400, "the body is not valid JSON: %s (line %d, column %d)", err.text,
                   err.line, err.column);
        return;
    }
    if (!json_is_object(req))
        fail_reply(r, 400, "the body must be a JSON object");
    else if (kind == PVS_REQ_VERIFY)
        do_verify(pol, req, r);
    else if (kind == PVS_REQ_SESSION_NEW)
        session_new(cfg, pol, req, r);
    else if (kind == PVS_REQ_BATCH) {
        /* batch.c: the worker forks the batch's child, so only as its first request */
        bool clean = g_served == 0;
        if (clean && !g_long_lived) {
            pv_runner_free(g_runner); /* its unused child, forked by this worker */
            g_runner = NULL;
        }
        /* a template is left as it is rather than waited for (the worker exits after the
           batch: its channel closes, and it ends its children) */
        r->doc = pvs_do_batch(cfg, pol, req, clean, &r->http, &r->run_status);
    }
    else
        do_run(cfg, pol, req, r);
    json_decref(req);
}

/* A batch or a session forks its own child from this worker (batch.c, sessions.c), which
 * needs no template: a worker forked to replace one the dispatcher retired for it finds it
 * waiting at once. Only the frame's header is peeked (its kind); nothing is read. */
static bool first_forks_own_child(int fd)
{
    pvs_frame f;
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 10) != 1 ||
        recv(fd, &f, sizeof f, MSG_PEEK | MSG_DONTWAIT) != (ssize_t)sizeof f)
        return false;
    return f.magic == PVS_MAGIC && (f.kind == PVS_REQ_BATCH || f.kind == PVS_REQ_SESSION_NEW);
}

static void __attribute__((noreturn)) worker_main(const pvs_config *cfg, const pv_policy *pol,
                                                  int fd, pid_t zygote)
{
    unsigned served = 0;
    char *body = NULL;

    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != zygote)
        _exit(0);
    body = malloc(cfg->max_body + 1);
    if (!body)
        _exit(1);
    /* Before any request: the runner's clean template, pyverify-template exec'd by this
       worker (empty environment, a fresh address layout, nothing of this process's
       memory), which alone forks the sandboxed children, so that this worker can run
       many requests and no child holds another request's data (runtime/README.md, "The
       process tree"). Without it, a child forked now, before any request, for one run. */
    if (first_forks_own_child(fd)) {
        /* its one batch or session: forked by this worker, which has read nothing else and
           ends with it (a template's start would cost more than the batch) */
        pvx_kind_fork_here();
    } else {
        pv_runner_opts ro = PV_RUNNER_OPTS_INIT;
        ro.template_mode = PV_TEMPLATE_REQUIRE;
        ro.template_path = g_template_path;
        if (pv_runner_new_opts(&g_runner, pol, &ro) == 0) {
            g_long_lived = true;
        } else {
            if (g_spawned <= cfg->workers)
                fprintf(stderr, "pyverify serve: worker %ld: no clean template (%s); each "
                        "worker runs one program\n", (long)getpid(), pv_last_error());
            ro.template_mode = PV_TEMPLATE_OFF;
            if (pv_runner_new_opts(&g_runner, pol, &ro) < 0)
                g_runner = NULL;
            else
                pvx_runner_single_use(g_runner); /* its child was forked before any request */
        }
    }
    /* a session's worker (sessions.c) serves its session to the end, whatever the budget */
    while (pvs_wsession_active() || cfg->worker_requests == 0 || served < cfg->worker_requests) {
        pvs_frame f;
        reply r = {500, -1, -1, NULL};
        char *text = NULL;
        size_t tlen = 0;
        uint32_t kind;
        bool last;

        if (pvs_wsession_active()) {
            /* the front end ends an idle session by closing the socket; should it not,
               the session's own idle timeout (and a grace period) ends this worker */
            struct pollfd p = {fd, POLLIN, 0};
            int rc;
            do
                rc = poll(&p, 1, (int)((pvs_wsession_idle_s() + cfg->grace_s) * 1000.0));
            while (rc < 0 && errno == EINTR);
            if (rc <= 0)
                break;
        }
        if (pvs_read_all(fd, &f, sizeof f) < 0)
            break; /* the front end closed the socket: shutting down, or the session ended */
        /* a session's worker takes its session's cells only; the others, anything else */
        if (f.magic != PVS_MAGIC ||
            (pvs_wsession_active() ? f.kind != PVS_REQ_SESSION_RUN
                                   : (f.kind != PVS_REQ_VERIFY && f.kind != PVS_REQ_RUN &&
                                      f.kind != PVS_REQ_BATCH && f.kind != PVS_REQ_SESSION_NEW)) ||
            f.len > cfg->max_body || pvs_read_all(fd, body, f.len) < 0) {
            pvs_wsession_end();
            _exit(1); /* a protocol error: the front end replaces this worker */
        }
        body[f.len] = '\0';
        kind = f.kind;
        {
            /* the client's maximums (clients.c), never above the server's */
            pvs_config cc = *cfg;
            if (f.max_timeout_s > 0 && f.max_timeout_s < cc.max_timeout_s)
                cc.max_timeout_s = f.max_timeout_s;
            if (f.max_cpu_s > 0 && f.max_cpu_s < cc.max_cpu_s)
                cc.max_cpu_s = f.max_cpu_s;
            if (f.max_memory_mb > 0 && f.max_memory_mb < cc.max_memory_mb)
                cc.max_memory_mb = f.max_memory_mb;
            if (f.max_output_kb > 0 && f.max_output_kb < cc.max_output_kb)
                cc.max_output_kb = f.max_output_kb;
            handle(&cc, pol, f.kind, body, f.len, &r);
        }
        if (r.doc)
            text = json_dumps(r.doc, JSON_COMPACT | JSON_ENSURE_ASCII);
        if (!text) {
            r.http = 500;
            text = strdup("{\"error\":\"the service ran out of memory\"}");
            if (!text) {
                pvs_wsession_end();
                _exit(1);
            }
        }
        tlen = strlen(text);
        f.kind = PVS_REPLY;
        f.len = (uint32_t)tlen;
        f.http = r.http;
        f.run_status = r.run_status;
        f.verdict = r.verdict;
        served++;
        g_served = served;
        /* the request budget is spent, or a program ran in a child this worker forked (a
           single-use worker, a batch: it holds the request, so it never forks another
           child), or its runner failed: say so, so that no job is sent to a worker that is
           about to exit */
        last = (cfg->worker_requests && served >= cfg->worker_requests &&
                !pvs_wsession_active()) ||
               (kind == PVS_REQ_RUN && (!g_long_lived || g_retire)) || kind == PVS_REQ_BATCH ||
               /* a session's worker: until its session ends (a limit, an error at start) */
               ((kind == PVS_REQ_SESSION_NEW || kind == PVS_REQ_SESSION_RUN) &&
                !pvs_wsession_alive());
        f.flags = last ? PVS_LAST : 0u;
        /* the reply to PVS_REQ_SESSION_NEW carries the session's idle timeout */
        f.max_timeout_s = kind == PVS_REQ_SESSION_NEW && !last ? pvs_wsession_idle_s() : 0;
        if (pvs_write_all(fd, &f, sizeof f) < 0 || pvs_write_all(fd, text, tlen) < 0) {
            pvs_wsession_end();
            _exit(1);
        }
        free(text);
        json_decref(r.doc);
        if (last)
            break;
    }
    pvs_wsession_end();       /* a session's child and private directory */
    /* a template sees its channel close, kills its children, removes their directories
       and exits, reaped by the zygote (a subreaper): this worker does not wait for it, so
       that its replacement (e.g. the fresh worker a batch waits for) comes at once */
    if (!g_long_lived)
        pv_runner_free(g_runner); /* its waiting child and private directory */
    _exit(0);
}

/* ---- the zygote ----------------------------------------------------------------------- */

typedef struct slot {
    pid_t pid;                 /* 0: none */
    unsigned long started_ms;  /* when it was forked */
    unsigned quick_deaths;     /* consecutive exits within a second of starting */
    unsigned long respawn_at;  /* 0: now */
} slot;

static int send_ctl(int ctl, const pvs_ctl *m, int fd)
{
    struct iovec iov = {(void *)m, sizeof *m};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (fd >= 0) {
        struct cmsghdr *c;
        memset(&u, 0, sizeof u);
        msg.msg_control = u.buf;
        msg.msg_controllen = sizeof u.buf;
        c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof(int));
    }
    for (;;) {
        ssize_t n = sendmsg(ctl, &msg, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        return n == (ssize_t)sizeof *m ? 0 : -1;
    }
}

static void __attribute__((noreturn)) zygote_fatal(int ctl, const char *what)
{
    pvs_ctl m;
    memset(&m, 0, sizeof m);
    m.type = PVS_CTL_FATAL;
    snprintf(m.msg, sizeof m.msg, "%s", what);
    send_ctl(ctl, &m, -1);
    _exit(1);
}

static int spawn(const pvs_config *cfg, const pv_policy *pol, int ctl, int sfd, slot *s,
                 int idx)
{
    int sv[2];
    pid_t pid, self = getpid();
    PyGILState_STATE gil;
    pvs_ctl m;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return -1;
    gil = PyGILState_Ensure();
    g_spawned++;
    PyOS_BeforeFork();
    pid = fork();
    if (pid == 0) {
        PyOS_AfterFork_Child();
        close(sv[0]);
        close(ctl);
        close(sfd);
        worker_main(cfg, pol, sv[1], self); /* the worker keeps the GIL: one thread */
    }
    PyOS_AfterFork_Parent();
    PyGILState_Release(gil);
    close(sv[1]);
    if (pid < 0) {
        close(sv[0]);
        return -1;
    }
    s->pid = pid;
    s->started_ms = mono_ms();
    s->respawn_at = 0;
    memset(&m, 0, sizeof m);
    m.type = PVS_CTL_WORKER;
    m.slot = idx;
    m.pid = pid;
    if (send_ctl(ctl, &m, sv[0]) < 0) {
        close(sv[0]);
        return -1;
    }
    close(sv[0]);
    return 0;
}

/* Verify and run one trivial program: imports what runs need and compiles the seccomp
 * filter once, so every worker starts warm. */
static int warm_up(const pv_policy *pol, const char *require, char *why, size_t n)
{
    char missing[400];
    static const char src[] = "total = sum(x * x for x in range(10))\n";
    pv_program *prog = NULL;
    pv_run_result *res = NULL;
    int rc = pv_verify(&prog, pol, src, sizeof src - 1, "<warm-up>", NULL);
    if (rc == 0 && pv_program_verdict(prog) != PV_ACCEPTED) {
        snprintf(why, n, "the policy rejects the warm-up program");
        rc = -1;
    } else if (rc == 0) {
        rc = pvx_run_here(&res, prog, NULL); /* the clean zygote warms itself */
        if (rc == 0 && pv_run_result_status(res) != PV_RUN_OK) {
            snprintf(why, n, "the warm-up program did not run: status %s",
                     pv_run_status_name(pv_run_result_status(res)));
            rc = -1;
        } else if (rc == 0 && require && pvs_layers_check(require, res, missing,
                                                          sizeof missing) < 0) {
            /* a long list is cut; the front end prints what fits */
            if (snprintf(why, n, "--require-layers: unavailable here (allow it, see "
                                 "docs/deploy.md, or require fewer layers): %s", missing) < 0)
                snprintf(why, n, "--require-layers: a required layer is unavailable");
            rc = -1;
        }
    }
    if (rc < 0 && !why[0])
        snprintf(why, n, "%s", pv_last_error());
    pv_run_result_free(res);
    pv_program_free(prog);
    return rc;
}

/* After the warm-up: collect, then move every object the zygote holds into the
 * collector's permanent generation (gc.freeze), so that a collection in a worker or its
 * sandboxed child never walks them: walking writes each object's GC header, which copies
 * every inherited heap page (copy-on-write) in every child. docs/benchmarks.md measures it. */
static int freeze_heap(void)
{
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *gc = PyImport_ImportModule("gc");
    PyObject *r1 = gc ? PyObject_CallMethod(gc, "collect", NULL) : NULL;
    PyObject *r2 = r1 ? PyObject_CallMethod(gc, "freeze", NULL) : NULL;
    int rc = r2 ? 0 : -1;
    if (!r2)
        PyErr_Clear();
    Py_XDECREF(r2);
    Py_XDECREF(r1);
    Py_XDECREF(gc);
    PyGILState_Release(g);
    return rc;
}

void pvs_zygote_main(const pvs_config *cfg, int ctl)
{
    sigset_t set;
    int sfd;
    pv_policy *pol = NULL;
    slot slots[PVS_MAX_WORKERS];
    char why[480] = "";
    bool stopping = false;
    unsigned long stop_deadline = 0;

    /* the front end decides when to stop; its death ends the zygote too */
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    /* the templates of exited workers are reparented here and reaped below */
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sfd < 0)
        zygote_fatal(ctl, "signalfd failed");

    /* a clean template: the service's environment never reaches the interpreter (whose
       os.environ would copy it into the heap every worker and child inherits), and the
       strings on the stack are zeroed once the policy path (in argv) has been used */
    {
        /* the one variable the workers need (where their template is); not a secret */
        const char *t = secure_getenv("PYVERIFY_TEMPLATE");
        if (t && *t && !(g_template_path = strdup(t)))
            zygote_fatal(ctl, "out of memory");
    }
    pvx_wipe_environment();
    if (pv_init() < 0)
        zygote_fatal(ctl, pv_last_error());
    if ((cfg->rules ? pv_policy_load_file(&pol, cfg->rules) : pv_policy_default(&pol)) < 0) {
        snprintf(why, sizeof why, "%s", pv_last_error());
        zygote_fatal(ctl, why);
    }
    if (pvx_wipe_stack_strings() < 0)
        zygote_fatal(ctl, "cannot find the initial stack strings in /proc/self/stat");
    if (warm_up(pol, cfg->require_layers, why, sizeof why) < 0)
        zygote_fatal(ctl, why);
    /* the warm-up imports nothing (pv_run prepares only what a program imports): the allowed
       modules are imported here, once, or every worker's runner imports them again */
    if (pvx_prepare_all(pol) < 0)
        zygote_fatal(ctl, pv_last_error());
    if (freeze_heap() < 0)
        zygote_fatal(ctl, "gc.freeze failed");
    {
        pvs_ctl m;
        memset(&m, 0, sizeof m);
        m.type = PVS_CTL_READY;
        if (send_ctl(ctl, &m, -1) < 0)
            _exit(1);
    }
    memset(slots, 0, sizeof slots);
    for (unsigned i = 0; i < cfg->workers; i++)
        if (spawn(cfg, pol, ctl, sfd, &slots[i], (int)i) < 0)
            zygote_fatal(ctl, "cannot start a worker");

    for (;;) {
        struct pollfd p[2] = {{ctl, POLLIN, 0}, {sfd, POLLIN, 0}};
        unsigned long now = mono_ms(), next = 0;
        unsigned alive = 0;
        int timeout = -1;

        for (unsigned i = 0; i < cfg->workers; i++) {
            if (slots[i].pid)
                alive++;
            else if (!stopping && slots[i].respawn_at && (!next || slots[i].respawn_at < next))
                next = slots[i].respawn_at;
        }
        if (stopping && alive == 0) {
            /* the workers' templates, still killing their children: none outlives this */
            while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
                ;
            _exit(0);
        }
        if (stopping && now >= stop_deadline) {
            for (unsigned i = 0; i < cfg->workers; i++)
                if (slots[i].pid)
                    kill(slots[i].pid, SIGKILL);
            stop_deadline = now + 60000; /* then wait for them to be reaped */
        }
        if (next)
            timeout = next > now ? (int)(next - now) : 0;
        if (stopping)
            timeout = stop_deadline > now ? (int)(stop_deadline - now) : 0;
        if (poll(stopping ? p + 1 : p, stopping ? 1 : 2, timeout) < 0 && errno != EINTR)
            _exit(1);
        if (!stopping && p[0].revents) {
            char b[64];
            ssize_t n = recv(ctl, b, sizeof b, MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                /* the front end is done: workers see their sockets close and finish */
                stopping = true;
                stop_deadline = mono_ms() +
                                (unsigned long)((cfg->max_timeout_s + cfg->grace_s) * 1000.0);
            }
        }
        {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
                ;
        }
        for (;;) {
            int st;
            pid_t pid = waitpid(-1, &st, WNOHANG);
            if (pid <= 0)
                break;
            for (unsigned i = 0; i < cfg->workers; i++) {
                if (slots[i].pid != pid)
                    continue;
                slots[i].pid = 0;
                now = mono_ms();
                if (now - slots[i].started_ms < 1000 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
                    slots[i].quick_deaths++;
                else
                    slots[i].quick_deaths = 0;
                /* a worker that keeps dying at once is restarted at most once per second */
                slots[i].respawn_at = slots[i].quick_deaths > 3 ? now + 1000 : now;
            }
        }
        now = mono_ms();
        for (unsigned i = 0; i < cfg->workers && !stopping; i++)
            if (!slots[i].pid && slots[i].respawn_at && slots[i].respawn_at <= now &&
                spawn(cfg, pol, ctl, sfd, &slots[i], (int)i) < 0)
                slots[i].respawn_at = now + 1000;
    }
}
