/*
 * corpus.c: `pyverify corpus PATH...`, the project's evidence.
 *
 * Every case runs with its expectation (header keys or a sidecar file):
 *   escapes/  rejected (or invalid) by the static layers, with the expected rule codes;
 *             and the layer matrix: is it stopped by each layer alone (AST, bytecode,
 *             Python-level runtime, OS-level runtime)?
 *   benign/   accepted, and the runtime reproduces NAME.out exactly
 *   runtime/  accepted, and the run ends with the expected status
 *   contain/  run unverified (--unsafe-no-verify) with a fresh canary file, a loopback
 *             listener and a secret in the runner's environment; nothing may leak and no
 *             process may outlive the run
 * `--fuzz DIR` replays arbitrary inputs (a libFuzzer corpus) through the verifier, each in
 * a forked child, and reports verdicts, crashes and the slowest inputs.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "run_here.h"

#define MAX_FAMILY 17
#define FUZZ_TIMEOUT_S 10

typedef enum { K_ESCAPE, K_BENIGN, K_RUNTIME, K_CONTAIN, K_UNKNOWN } case_kind;
static const char *const kind_dirs[] = { "escapes", "benign", "runtime", "contain" };

typedef struct header {
    char technique[256], source[256], expect[32], rules[128], bytecode[128], status[64];
    char status_os[64];
    char mode[16];
    int family;
} header;

/* The layers of the matrix. */
enum { L_AST, L_BYTECODE, L_PYRT, L_OSRT, L__COUNT };
static const char *const layer_names[L__COUNT] = { "ast", "bytecode", "py-runtime", "os-runtime" };

typedef struct runner {
    pv_policy *policy;
    bool json, verbose;
    char tmpdir[64];
    char canary_path[128];
    char canary_secret[40];
    char env_secret[40];
    int listen_fd;
    int listen_port;
    /* results */
    size_t ncases[K_UNKNOWN + 1], nfail[K_UNKNOWN + 1];
    size_t fam_cases[MAX_FAMILY + 1], fam_stopped[MAX_FAMILY + 1][L__COUNT];
    size_t errors;
    size_t failed_cases;
    json_t *jcases;
    char **weak;  /* escapes stopped by fewer than two layers */
    size_t nweak;
} runner;

/* ---- small helpers ------------------------------------------------------------------- */

static void random_hex(char *out, size_t n)
{
    unsigned char b[32];
    size_t want = (n - 1) / 2 < sizeof b ? (n - 1) / 2 : sizeof b;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, b, want) != (ssize_t)want) {
        for (size_t i = 0; i < want; i++)
            b[i] = (unsigned char)(rand() ^ (int)time(NULL));
    }
    if (fd >= 0)
        close(fd);
    for (size_t i = 0; i < want; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
    out[2 * want] = '\0';
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

static case_kind kind_of_path(const char *path)
{
    for (int k = 0; k < 4; k++) {
        char pat[32];
        snprintf(pat, sizeof pat, "/%s/", kind_dirs[k]);
        if (strstr(path, pat) || strncmp(path, pat + 1, strlen(pat) - 1) == 0)
            return (case_kind)k;
    }
    return K_UNKNOWN;
}

static void copy_value(char *dst, size_t cap, const char *v, size_t n)
{
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\r' || v[n - 1] == '\t'))
        n--;
    while (n && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, v, n);
    dst[n] = '\0';
}

/* Header: the leading comment block ("# key: value" lines, after an optional BOM). */
static void parse_header(const char *buf, size_t len, header *h)
{
    memset(h, 0, sizeof *h);
    size_t i = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len) {
        size_t e = i;
        while (e < len && buf[e] != '\n' && buf[e] != '\r')
            e++;
        const char *line = buf + i;
        size_t n = e - i;
        if (n == 0 || line[0] != '#')
            break;
        const char *colon = memchr(line, ':', n);
        if (colon && n > 2) {
            const char *k = line + 1;
            while (k < colon && *k == ' ')
                k++;
            size_t kl = (size_t)(colon - k);
            const char *v = colon + 1;
            size_t vl = n - (size_t)(v - line);
#define KEY(name, field) \
    if (kl == strlen(name) && memcmp(k, name, kl) == 0) copy_value(h->field, sizeof h->field, v, vl);
            KEY("technique", technique)
            KEY("source", source)
            KEY("expect", expect)
            KEY("rules", rules)
            KEY("bytecode", bytecode)
            KEY("expect-status", status)
            KEY("expect-status-os", status_os)
            KEY("mode", mode)
#undef KEY
            if (kl == 6 && memcmp(k, "family", 6) == 0) {
                char tmp[16];
                copy_value(tmp, sizeof tmp, v, vl);
                h->family = (int)strtol(tmp, NULL, 10);
            }
        }
        i = e;
        while (i < len && (buf[i] == '\n' || buf[i] == '\r'))
            i++;
    }
}

/* Does the comma-separated list `want` (e.g. "PV300, PV301") name a code `prog` reported?
 * An empty list or "none" is satisfied by anything. */
static bool codes_match(const char *want, const pv_program *prog, char *got, size_t gotcap)
{
    got[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < pv_program_diag_count(prog); i++) {
        const char *c = pv_program_diag(prog, i)->code;
        if (!strstr(got, c) && used + strlen(c) + 2 < gotcap)
            used += (size_t)snprintf(got + used, gotcap - used, "%s%s", used ? "," : "", c);
    }
    if (!want[0] || strcmp(want, "none") == 0)
        return true;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", want);
    for (char *tok = strtok(buf, ", "); tok; tok = strtok(NULL, ", "))
        if (strstr(got, tok))
            return true;
    return false;
}

/* ---- verification and runs ---------------------------------------------------------- */

static const char *const g_inputs[] = { "CANARY", "LISTEN_PORT" };

static int verify(runner *r, const char *buf, size_t len, const char *name, unsigned layers,
                  pv_mode mode, pv_program **out)
{
    pv_verify_opts o = PV_VERIFY_OPTS_INIT;
    o.layers = layers;
    o.mode = mode;
    o.globals = g_inputs;
    o.nglobals = 2;
    int rc = pv_verify(out, r->policy, buf, len, name, &o);
    if (rc < 0)
        fprintf(stderr, "pyverify corpus: %s: %s\n", name, pv_last_error());
    return rc;
}

/* Runs use the default limits, except that a case which does not expect the wall clock to
 * end it gets a generous one: on a loaded machine a CPU-bound case must still end on its
 * CPU limit, not race the watchdog. */
static double g_wall_s = 0;

static int run(runner *r, const pv_program *prog, unsigned flags, pv_run_result **res)
{
    char input[256];
    snprintf(input, sizeof input, "{\"CANARY\": \"%s\", \"LISTEN_PORT\": %d}", r->canary_path,
             r->listen_port);
    pv_run_opts o = PV_RUN_OPTS_INIT;
    o.input_json = input;
    o.flags = flags;
    if (g_wall_s > 0)
        o.timeout_s = g_wall_s;
    /* forked from this process (runtime/run_here.h): it holds only the corpus */
    int rc = pvx_run_here(res, prog, &o);
    if (rc < 0)
        fprintf(stderr, "pyverify corpus: run failed: %s\n", pv_last_error());
    return rc;
}

static bool contains(const char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    if (!hay || m == 0 || n < m)
        return false;
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return true;
    return false;
}

/* Processes running this same executable whose parent is init or us: an orphan a run left
 * behind (other pyverify processes on the machine have other parents). Counts them, and
 * kills them when `kill_them`. */
static int scan_orphans(bool kill_them)
{
    char self[512], exe[512], path[64];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n < 0)
        return 0;
    self[n] = '\0';
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    int count = 0;
    struct dirent *e;
    pid_t me = getpid();
    while ((e = readdir(d)) != NULL) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end || pid <= 0 || pid == me)
            continue;
        snprintf(path, sizeof path, "/proc/%ld/exe", pid);
        ssize_t m = readlink(path, exe, sizeof exe - 1);
        if (m < 0)
            continue;
        exe[m] = '\0';
        if (strcmp(exe, self) != 0)
            continue;
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        FILE *f = fopen(path, "r");
        long ppid = 0;
        if (f) {
            if (fscanf(f, "%*d %*s %*c %ld", &ppid) != 1)
                ppid = 0;
            fclose(f);
        }
        if (ppid == 1 || ppid == me) {
            count++;
            if (kill_them)
                kill((pid_t)pid, SIGKILL);
        }
    }
    closedir(d);
    return count;
}

/* What leaked from a run, as a short reason, or NULL. */
static const char *leak_of(runner *r, const pv_run_result *res)
{
    static char why[160];
    size_t no = 0, ne = 0;
    const char *so = pv_run_result_stdout(res, &no), *se = pv_run_result_stderr(res, &ne);
    const char *val = pv_run_result_value(res);
    if (contains(so, no, r->canary_secret) || contains(se, ne, r->canary_secret) ||
        (val && strstr(val, r->canary_secret)))
        return "the canary's content reached the output";
    if (contains(so, no, r->env_secret) || contains(se, ne, r->env_secret) ||
        (val && strstr(val, r->env_secret)))
        return "the runner's environment reached the output";
    /* The canary must be intact and the sandbox directory unchanged. */
    char buf[64] = { 0 };
    int fd = open(r->canary_path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (n < 0 || strncmp(buf, r->canary_secret, strlen(r->canary_secret)) != 0)
        return "the canary file was changed or removed";
    DIR *d = opendir(r->tmpdir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "canary")) {
                snprintf(why, sizeof why, "a file was written next to the canary: %.100s", e->d_name);
                closedir(d);
                return why;
            }
        }
        closedir(d);
    }
    int c = accept4(r->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (c >= 0) {
        close(c);
        return "the loopback listener was contacted";
    }
    if (scan_orphans(true) > 0)
        return "a process outlived the run";
    return NULL;
}

/* Did the attack get through this runtime layer? It did if it leaked, or if it ran to
 * the end ("ok"): escapes end with their payload, so finishing means it worked. */
static bool runtime_stops(runner *r, const char *buf, size_t len, const char *name, unsigned flags,
                          pv_mode mode, const char **detail)
{
    pv_program *prog = NULL;
    pv_run_result *res = NULL;
    *detail = "";
    if (verify(r, buf, len, name, PV_LAYER_UNSAFE_NONE, mode, &prog) < 0)
        return true;
    if (pv_program_verdict(prog) != PV_ACCEPTED) {
        /* It does not even compile (input or syntax): nothing runs. */
        *detail = "does not compile";
        pv_program_free(prog);
        return true;
    }
    bool stopped = true;
    if (run(r, prog, flags | PV_RUN_ALLOW_UNVERIFIED, &res) == 0) {
        const char *leak = leak_of(r, res);
        pv_run_status st = pv_run_result_status(res);
        stopped = !leak && st != PV_RUN_OK;
        *detail = leak ? leak : pv_run_status_name(st);
    }
    pv_run_result_free(res);
    pv_program_free(prog);
    return stopped;
}

/* ---- the case kinds -------------------------------------------------------------------- */

static void fail(runner *r, case_kind k, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void fail(runner *r, case_kind k, const char *path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->nfail[k]++;
    fprintf(r->json ? stderr : stdout, "FAIL %s: %s\n", path, msg);
}

static pv_mode mode_of(const header *h)
{
    return strcmp(h->mode, "expr") == 0 ? PV_MODE_EXPR : PV_MODE_MODULE;
}

static void do_escape(runner *r, const char *path, const char *buf, size_t len, json_t *jc)
{
    header h;
    parse_header(buf, len, &h);
    pv_mode mode = mode_of(&h);
    if (!h.expect[0] || h.family < 1 || h.family > MAX_FAMILY) {
        fail(r, K_ESCAPE, path, "header lacks 'expect:' or a 'family:' from 1 to %d", MAX_FAMILY);
        return;
    }
    pv_verdict want = strcmp(h.expect, "invalid") == 0 ? PV_INVALID : PV_REJECTED;
    bool stopped[L__COUNT] = { false };
    char got[256];
    pv_program *prog = NULL;

    /* Both static layers, as users run it. */
    if (verify(r, buf, len, path, PV_LAYER_STATIC, mode, &prog) < 0) {
        r->errors++;
        return;
    }
    pv_verdict v = pv_program_verdict(prog);
    codes_match("", prog, got, sizeof got);
    if (v != want)
        fail(r, K_ESCAPE, path, "expected %s, got %s (%s)", pv_cli_verdict_name(want),
             pv_cli_verdict_name(v), got[0] ? got : "no diagnostics");
    pv_program_free(prog);

    /* Each static layer alone. */
    for (int l = L_AST; l <= L_BYTECODE; l++) {
        if (verify(r, buf, len, path, l == L_AST ? PV_LAYER_AST : PV_LAYER_BYTECODE, mode, &prog) < 0) {
            r->errors++;
            return;
        }
        stopped[l] = pv_program_verdict(prog) != PV_ACCEPTED;
        const char *want_codes = l == L_AST ? h.rules : h.bytecode;
        if (!codes_match(want_codes, prog, got, sizeof got))
            fail(r, K_ESCAPE, path, "%s layer alone: expected %s, got %s", layer_names[l],
                 want_codes, got[0] ? got : "no diagnostics");
        if (l == L_BYTECODE && strcmp(h.bytecode, "none") != 0 && h.bytecode[0] &&
            pv_program_verdict(prog) == PV_ACCEPTED)
            fail(r, K_ESCAPE, path, "bytecode layer alone accepted it");
        json_object_set_new(jc, l == L_AST ? "ast_codes" : "bytecode_codes", json_string(got));
        pv_program_free(prog);
    }
    /* Each runtime layer alone, with the static layers off. */
    const char *d1, *d2;
    stopped[L_PYRT] = runtime_stops(r, buf, len, path, PV_RUN_NO_OS_LAYER, mode, &d1);
    stopped[L_OSRT] = runtime_stops(r, buf, len, path, PV_RUN_NO_PYTHON_LAYER, mode, &d2);
    json_object_set_new(jc, "py_runtime", json_string(d1));
    json_object_set_new(jc, "os_runtime", json_string(d2));

    int n = 0;
    r->fam_cases[h.family]++;
    json_t *jl = json_object();
    for (int l = 0; l < L__COUNT; l++) {
        if (stopped[l]) {
            n++;
            r->fam_stopped[h.family][l]++;
        }
        json_object_set_new(jl, layer_names[l], json_boolean(stopped[l]));
    }
    json_object_set_new(jc, "stopped_by", jl);
    json_object_set_new(jc, "family", json_integer(h.family));
    if (n < 2) {
        char line[600];
        snprintf(line, sizeof line, "%s (family %d, %d layer%s: %s%s%s%s)", path, h.family, n,
                 n == 1 ? "" : "s", stopped[L_AST] ? "ast " : "", stopped[L_BYTECODE] ? "bytecode " : "",
                 stopped[L_PYRT] ? "py-runtime " : "", stopped[L_OSRT] ? "os-runtime" : "");
        char **w = realloc(r->weak, (r->nweak + 1) * sizeof *w);
        if (w) {
            r->weak = w;
            r->weak[r->nweak++] = strdup(line);
        }
    }
}

static void do_benign(runner *r, const char *path, const char *buf, size_t len)
{
    header h;
    parse_header(buf, len, &h);
    char outpath[4096], err[512];
    snprintf(outpath, sizeof outpath, "%.*s.out", (int)(strlen(path) - 3), path);
    char *want = NULL;
    size_t wantlen = 0;
    if (pv_cli_read(outpath, 1u << 20, &want, &wantlen, err, sizeof err) < 0) {
        fail(r, K_BENIGN, path, "no expected output: %s", err);
        return;
    }
    pv_program *prog = NULL;
    if (verify(r, buf, len, path, PV_LAYER_STATIC, mode_of(&h), &prog) < 0) {
        r->errors++;
        free(want);
        return;
    }
    if (pv_program_verdict(prog) != PV_ACCEPTED) {
        const pv_diag *d = pv_program_diag(prog, 0);
        fail(r, K_BENIGN, path, "rejected (false positive): %s:%u:%u %s %s",
             d ? d->file : path, d ? d->line : 0, d ? d->col : 0, d ? d->code : "",
             d ? d->message : "");
    } else {
        pv_run_result *res = NULL;
        if (run(r, prog, 0, &res) == 0) {
            size_t n = 0, ne = 0;
            const char *out = pv_run_result_stdout(res, &n);
            const char *se = pv_run_result_stderr(res, &ne);
            if (pv_run_result_status(res) != PV_RUN_OK)
                fail(r, K_BENIGN, path, "run ended with status %s: %s %s",
                     pv_run_status_name(pv_run_result_status(res)),
                     pv_run_result_exception_type(res) ? pv_run_result_exception_type(res) : "",
                     ne ? se : "");
            else if (n != wantlen || memcmp(out, want, n) != 0)
                fail(r, K_BENIGN, path, "output differs from %s (%zu bytes, expected %zu)",
                     outpath, n, wantlen);
        } else {
            r->errors++;
        }
        pv_run_result_free(res);
    }
    pv_program_free(prog);
    free(want);
}

static void do_runtime(runner *r, const char *path, const char *buf, size_t len, bool contain)
{
    header h;
    parse_header(buf, len, &h);
    case_kind k = contain ? K_CONTAIN : K_RUNTIME;
    if (!h.status[0]) {
        fail(r, k, path, "header lacks 'expect-status:'");
        return;
    }
    pv_program *prog = NULL;
    unsigned layers = contain ? PV_LAYER_UNSAFE_NONE : PV_LAYER_STATIC;
    g_wall_s = strstr(h.status, "timeout") || strstr(h.status_os, "timeout") ? 0 : 10.0;
    if (verify(r, buf, len, path, layers, mode_of(&h), &prog) < 0) {
        r->errors++;
        return;
    }
    if (pv_program_verdict(prog) != PV_ACCEPTED) {
        const pv_diag *d = pv_program_diag(prog, 0);
        fail(r, k, path, "not accepted: %s %s", d ? d->code : "", d ? d->message : "");
        pv_program_free(prog);
        return;
    }
    /* Contain cases run twice: with every runtime layer (as --unsafe-no-verify does), and
     * with the OS-level layer alone (Python-level layer off), so that the OS layer is
     * shown to contain the attack on its own. */
    for (int pass = 0; pass < (contain ? 2 : 1); pass++) {
        const char *want = pass == 0 ? h.status : h.status_os;
        const char *label = pass == 0 ? "" : "os-runtime alone: ";
        if (pass == 1 && !want[0]) {
            fail(r, k, path, "header lacks 'expect-status-os:'");
            break;
        }
        unsigned flags = contain ? PV_RUN_ALLOW_UNVERIFIED : 0;
        if (pass == 1)
            flags |= PV_RUN_NO_PYTHON_LAYER;
        pv_run_result *res = NULL;
        if (run(r, prog, flags, &res) == 0) {
            const char *st = pv_run_status_name(pv_run_result_status(res));
            /* An expected status may list alternatives: "cpu|memory". */
            char alts[64];
            snprintf(alts, sizeof alts, "%s", want);
            bool ok = false;
            for (char *t = strtok(alts, "| ,"); t; t = strtok(NULL, "| ,"))
                if (strcmp(t, st) == 0)
                    ok = true;
            if (!ok) {
                const char *why = pv_run_result_kill_reason(res);
                const char *et = pv_run_result_exception_type(res);
                const char *em = pv_run_result_exception_message(res);
                fail(r, k, path, "%sexpected status %s, got %s (%s%s%.120s)", label, want, st,
                     why ? why : et ? et : "", et && em ? ": " : "", et && em ? em : "");
            }
            const char *leak = leak_of(r, res);
            if (leak)
                fail(r, k, path, "%sLEAK: %s", label, leak);
        } else {
            r->errors++;
        }
        pv_run_result_free(res);
    }
    pv_program_free(prog);
}

static void do_case(runner *r, const char *path)
{
    g_wall_s = 0;
    case_kind k = kind_of_path(path);
    if (k == K_UNKNOWN)
        return;
    char *buf = NULL, err[512];
    size_t len = 0;
    if (pv_cli_read(path, 64u << 20, &buf, &len, err, sizeof err) < 0) {
        fprintf(stderr, "pyverify corpus: %s\n", err);
        r->errors++;
        return;
    }
    r->ncases[k]++;
    size_t before = r->nfail[k];
    json_t *jc = json_pack("{s:s, s:s}", "path", path, "kind", kind_dirs[k]);
    double t0 = now_ms();
    switch (k) {
    case K_ESCAPE: do_escape(r, path, buf, len, jc); break;
    case K_BENIGN: do_benign(r, path, buf, len); break;
    case K_RUNTIME: do_runtime(r, path, buf, len, false); break;
    case K_CONTAIN: do_runtime(r, path, buf, len, true); break;
    case K_UNKNOWN: break;
    }
    if (r->nfail[k] != before)
        r->failed_cases++;
    json_object_set_new(jc, "ok", json_boolean(r->nfail[k] == before));
    json_object_set_new(jc, "ms", json_real(now_ms() - t0));
    json_array_append_new(r->jcases, jc);
    free(buf);
}

/* ---- files ------------------------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files below `path` (sorted), all of them when `any`, else *.py. */
static void collect(const char *path, bool any, char ***out, size_t *n, int depth)
{
    struct stat st;
    if (depth > 32 || lstat(path, &st) < 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        if (any || has_suffix(path, ".py")) {
            char **v = realloc(*out, (*n + 1) * sizeof *v);
            if (v) {
                *out = v;
                v[(*n)++] = strdup(path);
            }
        }
        return;
    }
    DIR *d = opendir(path);
    if (!d)
        return;
    char **names = NULL;
    size_t nn = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char **v = realloc(names, (nn + 1) * sizeof *v);
        if (!v)
            break;
        names = v;
        names[nn++] = strdup(e->d_name);
    }
    closedir(d);
    if (nn)
        qsort(names, nn, sizeof *names, cmp_str);
    for (size_t i = 0; i < nn; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", path, names[i]);
        collect(p, any, out, n, depth + 1);
        free(names[i]);
    }
    free(names);
}

/* ---- fuzzing corpus replay -------------------------------------------------------------- */

typedef struct slow {
    double ms;
    char *path;
} slow;

static int cmp_slow(const void *a, const void *b)
{
    double x = ((const slow *)a)->ms, y = ((const slow *)b)->ms;
    return x < y ? 1 : x > y ? -1 : 0;
}

static int fuzz_replay(runner *r, char **files, size_t n)
{
    size_t verdicts[3][2] = { { 0 } }, crashes = 0, hangs = 0;
    slow *times = calloc(n ? n : 1, sizeof *times);
    if (!times)
        return 2;
    for (size_t i = 0; i < n; i++) {
        char *buf = NULL, err[512];
        size_t len = 0;
        times[i].path = files[i];
        if (pv_cli_read(files[i], 64u << 20, &buf, &len, err, sizeof err) < 0) {
            fprintf(stderr, "pyverify corpus: %s\n", err);
            r->errors++;
            continue;
        }
        int fds[2];
        if (pipe(fds) < 0) {
            free(buf);
            r->errors++;
            continue;
        }
        fflush(NULL);
        double t0 = now_ms();
        pid_t pid = fork();
        if (pid == 0) {
            /* The child verifies in both modes and reports two verdict bytes. */
            close(fds[0]);
            alarm(FUZZ_TIMEOUT_S);
            unsigned char out[2] = { 3, 3 };
            for (int m = 0; m < 2; m++) {
                pv_program *prog = NULL;
                if (verify(r, buf, len, files[i], PV_LAYER_STATIC, m ? PV_MODE_EXPR : PV_MODE_MODULE,
                           &prog) == 0)
                    out[m] = (unsigned char)pv_program_verdict(prog);
                pv_program_free(prog);
            }
            ssize_t w = write(fds[1], out, 2);
            _exit(w == 2 ? 0 : 1);
        }
        close(fds[1]);
        unsigned char got[2] = { 3, 3 };
        ssize_t rn = pid > 0 ? read(fds[0], got, 2) : -1;
        close(fds[0]);
        int status = 0;
        if (pid > 0)
            waitpid(pid, &status, 0);
        times[i].ms = now_ms() - t0;
        free(buf);
        if (pid < 0 || rn != 2 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            bool hang = WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM;
            if (hang)
                hangs++;
            else
                crashes++;
            printf("%s %s (%s)\n", hang ? "HANG" : "CRASH", files[i],
                   WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "no verdict");
            continue;
        }
        for (int m = 0; m < 2; m++)
            if (got[m] < 3)
                verdicts[got[m]][m]++;
    }
    qsort(times, n, sizeof *times, cmp_slow);
    printf("\n| verdict | module mode | expression mode |\n|---|---:|---:|\n");
    for (int v = 0; v < 3; v++)
        printf("| %s | %zu | %zu |\n", pv_cli_verdict_name((pv_verdict)v), verdicts[v][0], verdicts[v][1]);
    printf("\n%zu inputs, %zu crashes, %zu hangs (> %d s)\nslowest:\n", n, crashes, hangs,
           FUZZ_TIMEOUT_S);
    for (size_t i = 0; i < n && i < 10; i++)
        printf("  %8.1f ms  %s\n", times[i].ms, times[i].path);
    free(times);
    return crashes || hangs ? 1 : r->errors ? 2 : 0;
}

/* ---- setup and report -------------------------------------------------------------------- */

static int setup(runner *r)
{
    snprintf(r->tmpdir, sizeof r->tmpdir, "/tmp/pyverify-corpus-XXXXXX");
    if (!mkdtemp(r->tmpdir)) {
        fprintf(stderr, "pyverify corpus: cannot create a temporary directory: %s\n", strerror(errno));
        return -1;
    }
    chmod(r->tmpdir, 0755);
    random_hex(r->canary_secret, sizeof r->canary_secret);
    random_hex(r->env_secret, sizeof r->env_secret);
    snprintf(r->canary_path, sizeof r->canary_path, "%s/canary", r->tmpdir);
    int fd = open(r->canary_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, r->canary_secret, strlen(r->canary_secret)) < 0) {
        fprintf(stderr, "pyverify corpus: cannot plant the canary: %s\n", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    setenv("PYVERIFY_CORPUS_SECRET", r->env_secret, 1);
    r->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof a;
    if (r->listen_fd < 0 || bind(r->listen_fd, (struct sockaddr *)&a, sizeof a) < 0 ||
        listen(r->listen_fd, 16) < 0 || getsockname(r->listen_fd, (struct sockaddr *)&a, &al) < 0) {
        fprintf(stderr, "pyverify corpus: cannot open the loopback listener: %s\n", strerror(errno));
        return -1;
    }
    r->listen_port = ntohs(a.sin_port);
    return 0;
}

static void teardown(runner *r)
{
    if (r->listen_fd >= 0)
        close(r->listen_fd);
    unlink(r->canary_path);
    rmdir(r->tmpdir);
}

static void report(runner *r)
{
    FILE *o = r->json ? stderr : stdout;
    fprintf(o, "\n| cases | total | failed checks |\n|---|---:|---:|\n");
    for (int k = 0; k < 4; k++)
        fprintf(o, "| %s | %zu | %zu |\n", kind_dirs[k], r->ncases[k], r->nfail[k]);
    if (r->ncases[K_ESCAPE]) {
        fprintf(o, "\nLayer matrix: escapes each layer stops on its own, by family (THREATS.md)\n\n");
        fprintf(o, "| family | escapes | ast | bytecode | py-runtime | os-runtime |\n");
        fprintf(o, "|---:|---:|---:|---:|---:|---:|\n");
        size_t tot[L__COUNT] = { 0 }, all = 0;
        for (int f = 1; f <= MAX_FAMILY; f++) {
            if (!r->fam_cases[f])
                continue;
            all += r->fam_cases[f];
            fprintf(o, "| %d | %zu |", f, r->fam_cases[f]);
            for (int l = 0; l < L__COUNT; l++) {
                tot[l] += r->fam_stopped[f][l];
                fprintf(o, " %zu |", r->fam_stopped[f][l]);
            }
            fputc('\n', o);
        }
        fprintf(o, "| all | %zu |", all);
        for (int l = 0; l < L__COUNT; l++)
            fprintf(o, " %zu |", tot[l]);
        fprintf(o, "\n\nStopped by fewer than two layers: %zu\n", r->nweak);
        for (size_t i = 0; i < r->nweak; i++)
            fprintf(o, "  %s\n", r->weak[i]);
    }
}

int pv_cli_corpus(int argc, char **argv)
{
    enum { O_RULES = 1, O_JSON, O_FUZZ, O_HELP };
    static const struct option opts[] = {
        { "rules", required_argument, 0, O_RULES }, { "json", no_argument, 0, O_JSON },
        { "fuzz", no_argument, 0, O_FUZZ }, { "help", no_argument, 0, O_HELP }, { 0, 0, 0, 0 }
    };
    const char *rules = NULL;
    bool fuzz = false;
    runner r;
    memset(&r, 0, sizeof r);
    r.listen_fd = -1;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case O_RULES: rules = optarg; break;
        case O_JSON: r.json = true; break;
        case O_FUZZ: fuzz = true; break;
        case O_HELP:
        case 'h':
            /* docs/pyverify.1's CORPUS section documents the same options (test_docs.sh) */
            puts("usage: pyverify corpus [OPTIONS] PATH...\n"
                 "       pyverify corpus --fuzz DIR...\n\n"
                 "Runs corpus cases (escapes/, benign/, runtime/, contain/) against their\n"
                 "expectations and prints failures, a summary and the layer matrix.\n\n"
                 "  --rules FILE   the policy (default: the embedded one)\n"
                 "  --json         one JSON document of every case (the summary on stderr)\n"
                 "  --fuzz         each PATH is a fuzzing corpus: replay every file through the\n"
                 "                 verifier (each in a child): verdicts, crashes, slowest inputs\n"
                 "  -h, --help     print this help\n\n"
                 "Exit: 0 all as expected, 1 an unexpected verdict, 2 errors.");
            return 0;
        default:
            fprintf(stderr, "pyverify corpus: unknown option '%s'\n", argv[optind - 1]);
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "usage: pyverify corpus [--rules FILE] [--json] [--fuzz] PATH...\n");
        return 2;
    }
    char **files = NULL;
    size_t n = 0;
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) < 0) {
            fprintf(stderr, "pyverify corpus: %s: %s\n", argv[i], strerror(errno));
            return 2;
        }
        collect(argv[i], fuzz, &files, &n, 0);
    }
    if (pv_init() < 0 || (rules ? pv_policy_load_file(&r.policy, rules) : pv_policy_default(&r.policy)) < 0) {
        fprintf(stderr, "pyverify corpus: %s\n", pv_last_error());
        return 2;
    }
    int status;
    if (fuzz) {
        status = fuzz_replay(&r, files, n);
    } else if (setup(&r) < 0) {
        status = 2;
    } else {
        r.jcases = json_array();
        for (size_t i = 0; i < n; i++)
            do_case(&r, files[i]);
        report(&r);
        size_t failed = r.failed_cases;
        if (r.json) {
            json_t *doc = json_pack("{s:o, s:I, s:I}", "cases", r.jcases, "failed", (json_int_t)failed,
                                    "errors", (json_int_t)r.errors);
            json_dumpf(doc, stdout, JSON_INDENT(1));
            fputc('\n', stdout);
            json_decref(doc);
        } else {
            json_decref(r.jcases);
        }
        status = r.errors ? 2 : failed ? 1 : 0;
        fprintf(r.json ? stderr : stdout, "\n%zu passed, %zu failed\n",
                r.ncases[0] + r.ncases[1] + r.ncases[2] + r.ncases[3] - failed, failed);
        teardown(&r);
    }
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
    for (size_t i = 0; i < r.nweak; i++)
        free(r.weak[i]);
    free(r.weak);
    pv_policy_free(r.policy);
    pv_shutdown();
    return status;
}
