/*
 * loadtest.c: a load test and latency probe for `pyverify serve` (issue 8).
 *
 *   pv_loadtest load  BASE_URL RUNS CLIENTS [FIRST]  mixed workload, every reply checked
 *   pv_loadtest latency BASE_URL RUNS              one client, a trivial run; prints
 *                                                  "latency SECONDS" per run
 *   pv_loadtest rate  BASE_URL RUNS CLIENTS        trivial runs from CLIENTS threads;
 *                                                  prints "rate RUNS_PER_SECOND"
 * BASE_URL is http://HOST:PORT or unix:PATH. PV_TOKEN in the environment is sent as a
 * bearer token.
 *
 * The mixed workload is a deterministic function of the request number i: benign programs
 * whose output or value encodes i (so a reply given to the wrong request, or a lost one,
 * is detected), and hostile ones: infinite loops, memory bombs, output floods, runaway
 * recursion, and escapes the verifier must reject. Each reply must have HTTP 200, the
 * expected status and, for benign ones, exactly the expected output. Exit 0 only if every
 * reply was right; the summary line gives counts per status.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

enum { K_BENIGN, K_EXPR, K_LOOP, K_MEMORY, K_FLOOD, K_RECURSION, K_ESCAPE, K_NKINDS };
static const char *const kind_names[] = {"benign", "expr", "loop", "memory", "flood",
                                         "recursion", "escape"};
static const char *const expect_status[] = {"ok", "ok", "cpu", "memory", "output", "error",
                                            "rejected"};

static const char *g_base;
static char g_url_run[512];
static const char *g_unix;
static char g_auth[600];
static long g_runs, g_first;
static atomic_long g_next;
static atomic_long g_ok, g_bad, g_by_kind[K_NKINDS];
static pthread_mutex_t g_print = PTHREAD_MUTEX_INITIALIZER;

static int kind_of(long i)
{
    switch (i % 20) {
    case 14: return K_LOOP;
    case 15: return K_MEMORY;
    case 16: return K_FLOOD;
    case 17: return K_RECURSION;
    case 18: return K_ESCAPE;
    case 19: return K_EXPR;
    default: return K_BENIGN;
    }
}

/* The request body for request i (malloc'ed JSON). */
static char *request_body(long i, int kind)
{
    char src[512];
    json_t *req;
    char *text;
    switch (kind) {
    case K_BENIGN:
        snprintf(src, sizeof src,
                 "n = %ld\nwords = ['req', str(n)]\nprint('-'.join(words), sum(range(n %% 100)) + n * 7)\n",
                 i);
        req = json_pack("{s:s, s:s}", "source", src, "filename", "benign.py");
        break;
    case K_EXPR:
        req = json_pack("{s:s, s:s, s:{s:I, s:i}}", "source", "a * b + a", "mode", "expr",
                        "input", "a", (json_int_t)i, "b", 3);
        break;
    case K_LOOP:
        req = json_pack("{s:s, s:{s:f, s:f}}", "source", "while True:\n    pass\n", "limits",
                        "timeout_s", 2.0, "cpu_s", 0.1);
        break;
    case K_MEMORY:
        req = json_pack("{s:s, s:{s:i}}", "source",
                        "blocks = []\nwhile True:\n    blocks.append('x' * 1000000)\n",
                        "limits", "memory_mb", 64);
        break;
    case K_FLOOD:
        req = json_pack("{s:s, s:{s:i}}", "source", "while True:\n    print('A' * 1000)\n",
                        "limits", "output_kb", 16);
        break;
    case K_RECURSION:
        req = json_pack("{s:s}", "source", "def f(n):\n    return f(n + 1)\n\nf(0)\n");
        break;
    default:
        req = json_pack("{s:s}", "source",
                        "x = ().__class__.__bases__[0].__subclasses__()\nprint(x)\n");
        break;
    }
    text = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);
    return text;
}

typedef struct body {
    char *p;
    size_t len;
} body;

static size_t collect(char *p, size_t sz, size_t n, void *ud)
{
    body *b = ud;
    char *q = realloc(b->p, b->len + sz * n + 1);
    if (!q)
        return 0;
    memcpy(q + b->len, p, sz * n);
    b->p = q;
    b->len += sz * n;
    b->p[b->len] = '\0';
    return sz * n;
}

static CURL *client(void)
{
    CURL *c = curl_easy_init();
    if (!c)
        return NULL;
    curl_easy_setopt(c, CURLOPT_URL, g_url_run);
    if (g_unix)
        curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, g_unix);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    return c;
}

/* POST body to /v1/run; returns the HTTP code (0 on a transport error), the reply in *out. */
static long post(CURL *c, struct curl_slist *hdrs, const char *req, body *out)
{
    long code = 0;
    out->p = NULL;
    out->len = 0;
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, req);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    if (curl_easy_perform(c) != CURLE_OK)
        return 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    return code;
}

static void complain(long i, int kind, const char *what, const body *b)
{
    pthread_mutex_lock(&g_print);
    fprintf(stderr, "loadtest: request %ld (%s): %s; reply: %.300s\n", i, kind_names[kind], what,
            b->p ? b->p : "(none)");
    pthread_mutex_unlock(&g_print);
}

/* Is the reply right for request i? */
static bool check(long i, int kind, long code, const body *b)
{
    json_t *doc, *v;
    const char *st;
    bool ok = true;
    char want[256];

    if (code != 200) {
        snprintf(want, sizeof want, "HTTP %ld", code);
        complain(i, kind, want, b);
        return false;
    }
    doc = json_loads(b->p ? b->p : "", 0, NULL);
    st = doc ? json_string_value(json_object_get(doc, "status")) : NULL;
    if (!st || strcmp(st, expect_status[kind]) != 0) {
        snprintf(want, sizeof want, "status %s, expected %s", st ? st : "(none)",
                 expect_status[kind]);
        complain(i, kind, want, b);
        json_decref(doc);
        return false;
    }
    switch (kind) {
    case K_BENIGN: {
        long s = 0;
        for (long k = 0; k < i % 100; k++)
            s += k;
        snprintf(want, sizeof want, "req-%ld %ld\n", i, s + i * 7);
        v = json_object_get(doc, "stdout");
        ok = json_is_string(v) && strcmp(json_string_value(v), want) == 0;
        break;
    }
    case K_EXPR:
        v = json_object_get(doc, "result");
        ok = json_is_integer(v) && json_integer_value(v) == (json_int_t)(i * 3 + i);
        snprintf(want, sizeof want, "result %ld", i * 4);
        break;
    case K_FLOOD:
        ok = json_is_true(json_object_get(doc, "stdout_truncated"));
        snprintf(want, sizeof want, "stdout_truncated");
        break;
    case K_RECURSION:
        v = json_object_get(json_object_get(doc, "exception"), "type");
        ok = json_is_string(v) && strcmp(json_string_value(v), "RecursionError") == 0;
        snprintf(want, sizeof want, "RecursionError");
        break;
    case K_ESCAPE: {
        json_t *d = json_array_get(json_object_get(doc, "diagnostics"), 0);
        ok = d && json_is_string(json_object_get(d, "code"));
        snprintf(want, sizeof want, "a diagnostic");
        break;
    }
    default:
        break;
    }
    if (!ok) {
        char msg[300];
        snprintf(msg, sizeof msg, "expected %s", want);
        complain(i, kind, msg, b);
    }
    json_decref(doc);
    return ok;
}

static void *load_client(void *arg)
{
    CURL *c = client();
    struct curl_slist *hdrs = curl_slist_append(NULL, "Content-Type: application/json");
    (void)arg;
    if (g_auth[0])
        hdrs = curl_slist_append(hdrs, g_auth);
    for (;;) {
        long i = atomic_fetch_add(&g_next, 1);
        int kind;
        char *req;
        body b;
        long code;
        if (i >= g_first + g_runs)
            break;
        kind = kind_of(i);
        req = request_body(i, kind);
        code = req && c ? post(c, hdrs, req, &b) : 0;
        if (req && c && check(i, kind, code, &b)) {
            atomic_fetch_add(&g_ok, 1);
            atomic_fetch_add(&g_by_kind[kind], 1);
        } else {
            atomic_fetch_add(&g_bad, 1);
        }
        free(b.p);
        free(req);
    }
    curl_slist_free_all(hdrs);
    if (c)
        curl_easy_cleanup(c);
    return NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char trivial[] = "{\"source\":\"x = 1\\n\"}";

static void *rate_client(void *arg)
{
    CURL *c = client();
    struct curl_slist *hdrs = curl_slist_append(NULL, "Content-Type: application/json");
    (void)arg;
    if (g_auth[0])
        hdrs = curl_slist_append(hdrs, g_auth);
    while (atomic_fetch_add(&g_next, 1) < g_runs) {
        body b;
        long code = post(c, hdrs, trivial, &b);
        if (code == 200 && b.p && strstr(b.p, "\"status\":\"ok\""))
            atomic_fetch_add(&g_ok, 1);
        else
            atomic_fetch_add(&g_bad, 1);
        free(b.p);
    }
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *tok = getenv("PV_TOKEN");
    long clients = 1;
    pthread_t th[256];
    double t0;

    if (argc < 4) {
        fprintf(stderr, "usage: pv_loadtest load|latency|rate BASE_URL RUNS [CLIENTS [FIRST]]\n");
        return 2;
    }
    g_base = argv[2];
    g_runs = strtol(argv[3], NULL, 10);
    if (argc > 4)
        clients = strtol(argv[4], NULL, 10);
    if (argc > 5)
        g_first = strtol(argv[5], NULL, 10);
    if (clients < 1 || clients > 256 || g_runs < 1)
        return 2;
    if (strncmp(g_base, "unix:", 5) == 0) {
        g_unix = g_base + 5;
        snprintf(g_url_run, sizeof g_url_run, "http://localhost/v1/run");
    } else {
        snprintf(g_url_run, sizeof g_url_run, "%s/v1/run", g_base);
    }
    if (tok && *tok)
        snprintf(g_auth, sizeof g_auth, "Authorization: Bearer %s", tok);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    atomic_store(&g_next, g_first);

    if (strcmp(argv[1], "latency") == 0) {
        CURL *c = client();
        struct curl_slist *hdrs = curl_slist_append(NULL, "Content-Type: application/json");
        if (g_auth[0])
            hdrs = curl_slist_append(hdrs, g_auth);
        for (long i = -3; i < g_runs; i++) { /* three warm-up requests */
            body b;
            double t = now();
            long code = post(c, hdrs, trivial, &b);
            t = now() - t;
            if (code != 200 || !b.p || !strstr(b.p, "\"status\":\"ok\"")) {
                fprintf(stderr, "latency: bad reply %ld: %.200s\n", code, b.p ? b.p : "");
                return 1;
            }
            if (i >= 0)
                printf("latency %.6f\n", t);
            free(b.p);
        }
        curl_slist_free_all(hdrs);
        curl_easy_cleanup(c);
        return 0;
    }
    t0 = now();
    for (long k = 0; k < clients; k++)
        pthread_create(&th[k], NULL, strcmp(argv[1], "rate") == 0 ? rate_client : load_client,
                       NULL);
    for (long k = 0; k < clients; k++)
        pthread_join(th[k], NULL);
    t0 = now() - t0;
    if (strcmp(argv[1], "rate") == 0) {
        printf("rate %.1f\n", (double)atomic_load(&g_ok) / t0);
        return atomic_load(&g_bad) ? 1 : 0;
    }
    printf("loadtest: %ld requests from %ld clients in %.1f s: %ld right, %ld wrong;",
           g_runs, clients, t0, atomic_load(&g_ok), atomic_load(&g_bad));
    for (int k = 0; k < K_NKINDS; k++)
        printf(" %s=%ld", kind_names[k], atomic_load(&g_by_kind[k]));
    printf("\n");
    curl_global_cleanup();
    return atomic_load(&g_bad) == 0 && atomic_load(&g_ok) == g_runs ? 0 : 1;
}
