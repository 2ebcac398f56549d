/*
 * hostcall.c: the parent's side of host functions (issue 17).
 *
 * A host call arrives as a control record PVX_REC_HOST, "name\0json", written by the
 * child's stub (hoststub.c) or, after a memory bug, by anything running in the child: it is
 * untrusted data. Before the host's callback sees it, this file checks the budget (number
 * of calls, size), the name (one of the run's host functions), and the JSON: an object with
 * exactly "args" (an array) and "kwargs" (an object), no duplicate keys, nesting at most
 * PVX_HOST_MAX_DEPTH. The callback gets the arguments re-encoded by jansson (never the
 * child's bytes). Its result must be JSON of the same kind of data within the size budget;
 * the reply (result or error message) is written to the child's fd 4 without blocking: the
 * parent's loop (run.c) flushes it when the socket is writable. A child that breaks the
 * protocol (a second request before its reply, a malformed or oversized request, too many
 * calls) is killed and the run ends with status "host_limit".
 */
#include "internal.h"
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define PVX_HOST_MAX_BYTES_CEILING (64u * 1024u * 1024u)

static bool plain_identifier(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > PVX_HOST_MAX_NAME || s[0] == '_' || (s[0] >= '0' && s[0] <= '9'))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    }
    return true;
}

int pvx_host_check(pv_run_opts *o, const pv_program *program)
{
    json_t *in = NULL;
    int rc = 0;

    if (o->n_host_functions == 0)
        return 0;
    if (!o->host_functions)
        return pv_fail(PV_ERR_INVALID, "pv_run: n_host_functions without host_functions");
    if (o->max_host_calls == 0)
        o->max_host_calls = PV_HOST_DEFAULT_MAX_CALLS;
    if (o->max_host_bytes == 0)
        o->max_host_bytes = PV_HOST_DEFAULT_MAX_BYTES;
    if (o->max_host_bytes > PVX_HOST_MAX_BYTES_CEILING)
        return pv_fail(PV_ERR_INVALID, "pv_run: max_host_bytes must be at most %u",
                       PVX_HOST_MAX_BYTES_CEILING);
    if (o->input_json) {
        in = json_loads(o->input_json, 0, NULL);
        if (!in)
            return pv_fail(PV_ERR_INVALID, "pv_run: the input is not valid JSON");
    }
    for (size_t i = 0; i < o->n_host_functions && rc == 0; i++) {
        const pv_host_function *f = &o->host_functions[i];
        PyObject *name;
        int declared;
        if (!f->name || !f->fn || !plain_identifier(f->name) || strcmp(f->name, "HostError") == 0) {
            rc = pv_fail(PV_ERR_INVALID, "pv_run: host function %zu needs a plain identifier "
                         "as its name (no leading '_', at most %u bytes) and a callback", i,
                         PVX_HOST_MAX_NAME);
            break;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(o->host_functions[j].name, f->name) == 0)
                rc = pv_fail(PV_ERR_INVALID, "pv_run: host function '%s' given twice", f->name);
        if (rc == 0 && in && json_object_get(in, f->name))
            rc = pv_fail(PV_ERR_INVALID, "pv_run: '%s' is both an input and a host function",
                         f->name);
        if (rc != 0)
            break;
        /* the static layers accepted calls to it only if they knew the name */
        name = PyUnicode_FromString(f->name);
        declared = name && program->globals ? PySet_Contains(program->globals, name) : -1;
        Py_XDECREF(name);
        PyErr_Clear();
        if (declared != 1)
            rc = pv_fail(PV_ERR_INVALID, "pv_run: host function '%s' is not declared in the "
                         "policy's [host] functions nor passed to pv_verify() as a global",
                         f->name);
    }
    json_decref(in);
    return rc;
}

void pvx_host_init(pvx_host *h, const pv_run_opts *o, int fd)
{
    memset(h, 0, sizeof *h);
    h->fns = o->host_functions;
    h->n = o->n_host_functions;
    h->max_calls = o->max_host_calls;
    h->max_bytes = o->max_host_bytes;
    h->fd = fd;
    if (fd >= 0) {
        int fl = fcntl(fd, F_GETFL);
        if (fl >= 0)
            fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    }
}

void pvx_host_clear(pvx_host *h)
{
    free(h->out);
    free(h->reason);
    h->out = h->reason = NULL;
    h->out_len = h->out_off = 0;
}

static int violation(pvx_host *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int violation(pvx_host *h, const char *fmt, ...)
{
    va_list ap;
    if (!h->reason) {
        h->reason = malloc(256);
        if (h->reason) {
            va_start(ap, fmt);
            vsnprintf(h->reason, 256, fmt, ap);
            va_end(ap);
        }
    }
    return -1;
}

bool pvx_host_oversize(const pvx_host *h, size_t len)
{
    return len > h->max_bytes + PVX_HOST_MAX_NAME + 1;
}

/* Nesting depth of a JSON value, stopping once it passes `limit`. */
static int depth_of(const json_t *v, int limit)
{
    int d = 0, sub;
    if (limit < 0)
        return 1;
    if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            sub = depth_of(x, limit - 1);
            if (sub > d)
                d = sub;
            if (d > limit)
                break;
        }
        return d + 1;
    }
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x) {
            sub = depth_of(x, limit - 1);
            if (sub > d)
                d = sub;
            if (d > limit)
                break;
        }
        return d + 1;
    }
    return 0;
}

/* Queue a reply record: type, length, payload. */
static int queue_reply(pvx_host *h, char type, const char *p, size_t n)
{
    uint32_t len = (uint32_t)n;
    h->out = malloc(5 + n);
    if (!h->out)
        return violation(h, "host: out of memory");
    h->out[0] = type;
    memcpy(h->out + 1, &len, 4);
    memcpy(h->out + 5, p, n);
    h->out_len = 5 + n;
    h->out_off = 0;
    return pvx_host_flush(h);
}

static int queue_error(pvx_host *h, const char *msg)
{
    size_t n = strlen(msg);
    char *clean;
    int rc;
    if (n > PVX_MAX_MESSAGE)
        n = PVX_MAX_MESSAGE;
    clean = malloc(n + 1);
    if (!clean)
        return violation(h, "host: out of memory");
    memcpy(clean, msg, n);
    clean[n] = '\0';
    rc = queue_reply(h, PVX_REPLY_ERROR, clean, n);
    free(clean);
    return rc;
}

int pvx_host_request(pvx_host *h, const char *payload, size_t n)
{
    const pv_host_function *f = NULL;
    size_t nlen = strnlen(payload, n);
    json_t *req = NULL, *args, *kwargs, *res = NULL;
    json_error_t err;
    char *text = NULL, *result = NULL, *error = NULL, *reply = NULL;
    int rc = -1, frc;

    if (h->out)
        return violation(h, "host: a second call before the reply to the first");
    if (++h->calls > h->max_calls)
        return violation(h, "host: more than %u calls", h->max_calls);
    if (nlen == n || nlen > PVX_HOST_MAX_NAME)
        return violation(h, "host: malformed request");
    if (n - nlen - 1 > h->max_bytes)
        return violation(h, "host: arguments of %zu bytes, over the limit of %zu",
                         n - nlen - 1, h->max_bytes);
    for (size_t i = 0; i < h->n; i++)
        if (strlen(h->fns[i].name) == nlen && memcmp(h->fns[i].name, payload, nlen) == 0)
            f = &h->fns[i];
    if (!f)
        return violation(h, "host: call of an unknown function");
    /* \u0000 inside a string is data like any other: the texts passed on stay NUL-free */
    req = json_loadb(payload + nlen + 1, n - nlen - 1, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
                     &err);
    args = req ? json_object_get(req, "args") : NULL;
    kwargs = req ? json_object_get(req, "kwargs") : NULL;
    if (!json_is_object(req) || json_object_size(req) != 2 || !json_is_array(args) ||
        !json_is_object(kwargs) || depth_of(req, PVX_HOST_MAX_DEPTH + 2) > PVX_HOST_MAX_DEPTH + 2) {
        violation(h, "host: malformed request");
        goto done;
    }
    text = json_dumps(req, JSON_COMPACT | JSON_ENSURE_ASCII);
    if (!text) {
        violation(h, "host: out of memory");
        goto done;
    }
    frc = f->fn(f->ctx, f->name, text, strlen(text), &result, &error);
    if (frc != 0) {
        rc = queue_error(h, error ? error : "host function failed");
        goto done;
    }
    if (!result) {
        rc = queue_error(h, "host function returned no result");
        goto done;
    }
    if (strlen(result) > h->max_bytes) {
        violation(h, "host: result of %zu bytes from '%s', over the limit of %zu",
                  strlen(result), f->name, h->max_bytes);
        goto done;
    }
    res = json_loads(result, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
    if (!res || depth_of(res, PVX_HOST_MAX_DEPTH) > PVX_HOST_MAX_DEPTH) {
        rc = queue_error(h, res ? "host function returned a value nested too deeply"
                                : "host function returned invalid JSON");
        goto done;
    }
    reply = json_dumps(res, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!reply) {
        violation(h, "host: out of memory");
        goto done;
    }
    if (strlen(reply) > h->max_bytes) { /* re-encoded: 0.1 is written with 17 digits */
        violation(h, "host: result of %zu bytes from '%s', over the limit of %zu",
                  strlen(reply), f->name, h->max_bytes);
        goto done;
    }
    rc = queue_reply(h, PVX_REPLY_RESULT, reply, strlen(reply));
done:
    json_decref(req);
    json_decref(res);
    free(text);
    free(result);
    free(error);
    free(reply);
    return rc;
}

int pvx_host_flush(pvx_host *h)
{
    while (h->out && h->out_off < h->out_len) {
        ssize_t w = send(h->fd, h->out + h->out_off, h->out_len - h->out_off,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (w <= 0)
            return violation(h, "host: the child's end of the channel is closed");
        h->out_off += (size_t)w;
    }
    if (h->out) {
        free(h->out);
        h->out = NULL;
        h->out_len = h->out_off = 0;
    }
    return 0;
}

int pvx_host_bind_opts(pvx_py_plan *py, const pv_run_opts *o)
{
    const char **names = PyMem_Calloc(o->n_host_functions, sizeof *names);
    int rc;
    if (!names) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i < o->n_host_functions; i++)
        names[i] = o->host_functions[i].name;
    rc = pvx_hoststub_bind(PyModule_GetDict(py->main_module), names, o->n_host_functions,
                           o->max_host_bytes);
    PyMem_Free(names);
    return rc;
}
