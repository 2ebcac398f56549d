/*
 * clients.c: who may use the service and how much (issue 20).
 *
 * A client is a name, a bearer token (none for the anonymous client) and quotas: runs in
 * flight (`concurrent`), requests per second (`rate`, a token bucket of `burst`), requests
 * waiting for a worker (`queue`, its share of the queue), a weight for the round-robin of
 * free workers between clients with work waiting (dispatch.c), and the most its runs may
 * ask for (`max_timeout`, `max_cpu`, `max_memory`, `max_output`, capped in turn by the
 * server's --max-* options), and the sessions it may hold open at once (`sessions`: by
 * default all of --max-sessions when it is the only client, else half of them, at least one,
 * so that one client cannot hold every session).
 *
 * The clients come from `--clients FILE` (TOML, see docs/service.md), from `--token-file`
 * (one client "token", quotas unlimited but the server's), or, with neither, the one
 * client "anonymous". In a clients file, an `[anonymous]` table admits requests without
 * a token from loopback addresses and unix sockets only; without it they get 401.
 *
 * The file is parsed with the TOML parser of the rules (the embedded interpreter's
 * tomllib), in a child forked for the purpose: the front end never starts an interpreter.
 * Like the token file, it is read after the zygote is forked, so no zygote, worker or
 * sandboxed child ever holds a client's token. A file with an inline `token` must be
 * readable by its owner only; a `token_file` must be, always.
 */
#include <Python.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pyverify.h"
#include "service.h"

#define MAX_TOKEN 4096u
#define MAX_CLIENTS_FILE (1u << 20)

static pvs_client g_clients[PVS_MAX_CLIENTS];
static unsigned g_n;
static int g_anonymous = -1; /* index of the anonymous client, -1: none */

unsigned pvs_clients_count(void) { return g_n; }
pvs_client *pvs_client_at(unsigned i) { return i < g_n ? &g_clients[i] : NULL; }

static void set_defaults(pvs_client *c, const pvs_config *cfg)
{
    c->concurrent = cfg->workers;
    c->rate = 0;
    c->burst = 1;
    c->queue = cfg->queue;
    c->weight = 1;
    c->max_timeout_s = cfg->max_timeout_s;
    c->max_cpu_s = cfg->max_cpu_s;
    c->max_memory_mb = cfg->max_memory_mb;
    c->max_output_kb = cfg->max_output_kb;
    c->sessions = PVS_SESSIONS_DEFAULT;
}

/* A token: 16 to 4096 characters, no whitespace or NUL. */
static bool token_ok(const char *t, size_t n)
{
    return n >= 16 && n <= MAX_TOKEN && strlen(t) == n && !strpbrk(t, " \t\r\n");
}

/* Read a whole file that must be a regular file, not a symbolic link; *mode gets its mode.
 * malloc'ed, NUL-terminated; NULL with a message printed. */
static char *slurp(const char *what, const char *path, size_t max, mode_t *mode, size_t *len)
{
    struct stat st;
    char *buf = NULL;
    size_t n = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 || fstat(fd, &st) < 0) {
        fprintf(stderr, "pyverify serve: %s %s: %s\n", what, path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
        fprintf(stderr, "pyverify serve: %s %s: must be a regular file of at most %zu bytes\n",
                what, path, max);
        close(fd);
        return NULL;
    }
    *mode = st.st_mode;
    buf = malloc(max + 1);
    if (!buf) {
        close(fd);
        return NULL;
    }
    for (;;) {
        ssize_t r = read(fd, buf + n, max - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
        if (n == max)
            break;
    }
    close(fd);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* A token file (--token-file, or a client's token_file): owner-only, one token. */
char *pvs_read_token_file(const char *what, const char *path)
{
    mode_t mode = 0;
    size_t n = 0;
    char *buf = slurp(what, path, MAX_TOKEN + 2, &mode, &n);
    if (!buf)
        return NULL;
    if (mode & (S_IRWXG | S_IRWXO)) {
        fprintf(stderr, "pyverify serve: %s %s: must be a regular file readable by its owner "
                        "only (chmod 600)\n", what, path);
        free(buf);
        return NULL;
    }
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        n--;
    buf[n] = '\0';
    if (!token_ok(buf, n)) {
        fprintf(stderr, "pyverify serve: %s %s: the token must be 16 to %u characters without "
                        "spaces or NUL\n", what, path, MAX_TOKEN);
        free(buf);
        return NULL;
    }
    return buf;
}

int pvs_clients_add_token(const char *name, char *token, const pvs_config *cfg)
{
    pvs_client *c;
    if (g_n >= PVS_MAX_CLIENTS)
        return -1;
    c = &g_clients[g_n];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->token = token;
    set_defaults(c, cfg);
    if (!token)
        g_anonymous = (int)g_n;
    g_n++;
    return 0;
}

/* The parser, run by the child's interpreter. One line per client:
 * name TAB token TAB token_file TAB concurrent TAB rate TAB burst TAB queue TAB weight TAB
 * max_timeout TAB max_cpu TAB max_memory TAB max_output TAB sessions; "-": not given. */
static const char parser_py[] =
    "import tomllib, re\n"
    "KEYS = {'token': str, 'token_file': str, 'concurrent': int, 'rate': (int, float),\n"
    "        'burst': int, 'queue': int, 'weight': int, 'max_timeout': (int, float),\n"
    "        'max_cpu': (int, float), 'max_memory': int, 'max_output': int,\n"
    "        'sessions': int}\n"
    "RANGE = {'concurrent': (1, 100000), 'rate': (0, 1e6), 'burst': (1, 1000000),\n"
    "         'queue': (0, 100000), 'weight': (1, 100), 'max_timeout': (0.001, 3600),\n"
    "         'max_cpu': (0.001, 3600), 'max_memory': (32, 1 << 22),\n"
    "         'max_output': (1, 1 << 20), 'sessions': (0, 100000)}\n"
    "ORDER = ['token', 'token_file', 'concurrent', 'rate', 'burst', 'queue', 'weight',\n"
    "         'max_timeout', 'max_cpu', 'max_memory', 'max_output', 'sessions']\n"
    "def check(where, t, tokens):\n"
    "    if not isinstance(t, dict):\n"
    "        raise ValueError(f'{where} must be a table')\n"
    "    for k, v in t.items():\n"
    "        if k not in KEYS:\n"
    "            raise ValueError(f'{where}.{k}: unknown key (known: {\", \".join(ORDER)})')\n"
    "        if not tokens and k in ('token', 'token_file'):\n"
    "            raise ValueError(f'{where}.{k}: not allowed here')\n"
    "        if isinstance(v, bool) or not isinstance(v, KEYS[k]):\n"
    "            raise ValueError(f'{where}.{k}: wrong type')\n"
    "        if k in RANGE and not RANGE[k][0] <= v <= RANGE[k][1]:\n"
    "            raise ValueError(f'{where}.{k}: must be in [{RANGE[k][0]}, {RANGE[k][1]}]')\n"
    "        if isinstance(v, str) and (not v or re.search(r'[\\s\\x00]', v)):\n"
    "            raise ValueError(f'{where}.{k}: must be non-empty, without spaces')\n"
    "def line(name, t):\n"
    "    return '\\t'.join([name] + [str(t[k]) if k in t else '-' for k in ORDER])\n"
    "def load(raw):\n"
    "    doc = tomllib.loads(raw)\n"
    "    for k in doc:\n"
    "        if k not in ('defaults', 'clients', 'anonymous'):\n"
    "            raise ValueError(f'{k}: unknown table (known: defaults, clients, anonymous)')\n"
    "    dflt = doc.get('defaults', {})\n"
    "    check('defaults', dflt, False)\n"
    "    clients = doc.get('clients', {})\n"
    "    if not isinstance(clients, dict) or not clients:\n"
    "        raise ValueError('clients: at least one [clients.NAME] table is needed')\n"
    "    out = []\n"
    "    for name, t in clients.items():\n"
    "        if not re.fullmatch(r'[A-Za-z0-9_.-]{1,64}', name) or name == 'anonymous':\n"
    "            raise ValueError(f'clients.{name}: a name is 1 to 64 of A-Z a-z 0-9 _ . - '\n"
    "                             '(and not \"anonymous\")')\n"
    "        check(f'clients.{name}', t, True)\n"
    "        if ('token' in t) == ('token_file' in t):\n"
    "            raise ValueError(f'clients.{name}: give token or token_file (one of them)')\n"
    "        out.append(line(name, {**dflt, **t}))\n"
    "    if 'anonymous' in doc:\n"
    "        check('anonymous', doc['anonymous'], False)\n"
    "        out.append(line('anonymous', {**dflt, **doc['anonymous']}))\n"
    "    return '\\n'.join(out) + '\\n'\n";

/* In the forked child: parse `raw` and write the lines, or "!message", to fd. */
static void __attribute__((noreturn)) parse_child(const char *raw, const char *path, int fd)
{
    PyObject *ns = NULL, *fn, *res = NULL;
    const char *out = NULL;
    char msg[600];
    if (pv_init() < 0) {
        snprintf(msg, sizeof msg, "!%s", pv_last_error());
        goto fail;
    }
    (void)PyGILState_Ensure(); /* this child exits with it held */
    ns = PyDict_New();
    if (ns && PyDict_SetItemString(ns, "__builtins__", PyEval_GetBuiltins()) == 0) {
        PyObject *r = PyRun_String(parser_py, Py_file_input, ns, ns);
        Py_XDECREF(r);
        fn = r ? PyDict_GetItemString(ns, "load") : NULL;
        res = fn ? PyObject_CallFunction(fn, "s", raw) : NULL;
        out = res ? PyUnicode_AsUTF8(res) : NULL;
    }
    if (!out) {
        PyObject *t, *v, *tb, *s;
        const char *m;
        PyErr_Fetch(&t, &v, &tb);
        s = v ? PyObject_Str(v) : NULL;
        m = s ? PyUnicode_AsUTF8(s) : NULL;
        snprintf(msg, sizeof msg, "!%s: %s", path, m ? m : "cannot be parsed");
        goto fail;
    }
    if (pvs_write_all(fd, out, strlen(out)) < 0)
        _exit(1);
    _exit(0);
fail:
    pvs_write_all(fd, msg, strlen(msg));
    _exit(1);
}

static int field_num(const char *f, double *out)
{
    char *end = NULL;
    if (strcmp(f, "-") == 0)
        return 0;
    errno = 0;
    *out = strtod(f, &end);
    return errno || end == f || *end || !isfinite(*out) ? -1 : 1;
}

/* One line of the child's output: a client. */
static int add_line(char *line, const pvs_config *cfg, bool *inline_token)
{
    char *f[13], *save = NULL, *tok = NULL;
    int n = 0;
    pvs_client *c;
    double v;
    for (char *p = strtok_r(line, "\t", &save); p && n < 13; p = strtok_r(NULL, "\t", &save))
        f[n++] = p;
    if (n != 13 || g_n >= PVS_MAX_CLIENTS) {
        fprintf(stderr, "pyverify serve: --clients: %s\n",
                n != 13 ? "internal error" : "too many clients");
        return -1;
    }
    for (unsigned i = 0; i < g_n; i++)
        if (strcmp(g_clients[i].name, f[0]) == 0) {
            fprintf(stderr, "pyverify serve: --clients: client %s is defined twice (with "
                            "--token-file: 'token' is taken)\n", f[0]);
            return -1;
        }
    if (strcmp(f[1], "-") != 0) {
        *inline_token = true;
        if (!token_ok(f[1], strlen(f[1]))) {
            fprintf(stderr, "pyverify serve: --clients: clients.%s.token: 16 to %u characters "
                            "without spaces\n", f[0], MAX_TOKEN);
            return -1;
        }
        tok = strdup(f[1]);
        explicit_bzero(f[1], strlen(f[1]));
    } else if (strcmp(f[2], "-") != 0) {
        char what[120];
        snprintf(what, sizeof what, "--clients: clients.%s.token_file", f[0]);
        tok = pvs_read_token_file(what, f[2]);
        if (!tok)
            return -1;
    }
    if (strcmp(f[0], "anonymous") != 0 && !tok)
        return -1;
    for (unsigned i = 0; i < g_n; i++)
        if (tok && g_clients[i].token && strcmp(g_clients[i].token, tok) == 0) {
            fprintf(stderr, "pyverify serve: --clients: clients %s and %s have the same "
                            "token\n", g_clients[i].name, f[0]);
            free(tok);
            return -1;
        }
    if (pvs_clients_add_token(f[0], tok, cfg) < 0)
        return -1;
    c = &g_clients[g_n - 1];
    if (field_num(f[3], &v) > 0)
        c->concurrent = (unsigned)v;
    if (field_num(f[4], &v) > 0) {
        c->rate = v;
        c->burst = v > 1 ? ceil(v) : 1;
    }
    if (field_num(f[5], &v) > 0)
        c->burst = v;
    if (field_num(f[6], &v) > 0)
        c->queue = (unsigned)v;
    if (field_num(f[7], &v) > 0)
        c->weight = (unsigned)v;
    if (field_num(f[8], &v) > 0 && v < c->max_timeout_s)
        c->max_timeout_s = v;
    if (field_num(f[9], &v) > 0 && v < c->max_cpu_s)
        c->max_cpu_s = v;
    if (field_num(f[10], &v) > 0 && (size_t)v < c->max_memory_mb)
        c->max_memory_mb = (size_t)v;
    if (field_num(f[11], &v) > 0 && (size_t)v < c->max_output_kb)
        c->max_output_kb = (size_t)v;
    if (field_num(f[12], &v) > 0)
        c->sessions = (unsigned)v;
    c->bucket = c->burst;
    return 0;
}

int pvs_clients_load(const char *path, const pvs_config *cfg)
{
    mode_t mode = 0;
    size_t len = 0, got = 0, cap = 1u << 16;
    char *raw = slurp("--clients", path, MAX_CLIENTS_FILE, &mode, &len), *out = NULL;
    int p[2], st = 0, rc = -1;
    bool inline_token = false;
    pid_t pid;

    if (!raw)
        return -1;
    if (memchr(raw, '\0', len)) {
        fprintf(stderr, "pyverify serve: --clients %s: contains a NUL byte\n", path);
        goto out;
    }
    if (pipe2(p, O_CLOEXEC) < 0)
        goto out;
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        goto out;
    }
    if (pid == 0) {
        close(p[0]);
        parse_child(raw, path, p[1]);
    }
    close(p[1]);
    out = malloc(cap + 1);
    for (;;) {
        ssize_t r;
        if (!out)
            break;
        if (got == cap) {
            char *q = cap < (64u << 20) ? realloc(out, 2 * cap + 1) : NULL;
            if (!q)
                break;
            out = q;
            cap *= 2;
        }
        r = read(p[0], out + got, cap - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(p[0]);
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!out)
        goto out;
    out[got] = '\0';
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || got == 0 || out[0] == '!') {
        fprintf(stderr, "pyverify serve: --clients %s\n",
                got && out[0] == '!' ? out + 1 : "the parser failed");
        goto out;
    }
    rc = 0;
    for (char *save = NULL, *l = strtok_r(out, "\n", &save); l && rc == 0;
         l = strtok_r(NULL, "\n", &save))
        rc = add_line(l, cfg, &inline_token);
    if (rc == 0 && inline_token && (mode & (S_IRWXG | S_IRWXO))) {
        fprintf(stderr, "pyverify serve: --clients %s: holds tokens, so it must be readable by "
                        "its owner only (chmod 600)\n", path);
        rc = -1;
    }
out:
    if (out) {
        explicit_bzero(out, got);
        free(out);
    }
    explicit_bzero(raw, len);
    free(raw);
    return rc;
}

/* The client of a request: `bearer` is the Authorization header's token (NULL: none).
 * Every token is compared, in constant time each, whichever matches. NULL: 401. */
pvs_client *pvs_clients_match(const char *bearer, bool local_peer)
{
    pvs_client *hit = NULL;
    bool tokens = false;
    for (unsigned i = 0; i < g_n; i++)
        tokens |= g_clients[i].token != NULL;
    /* no token configured (the listener is then loopback): any request is anonymous */
    if (!bearer || !tokens)
        return g_anonymous >= 0 && local_peer ? &g_clients[g_anonymous] : NULL;
    for (unsigned i = 0; i < g_n; i++) {
        const char *t = g_clients[i].token;
        size_t tl, hl = strlen(bearer);
        unsigned char diff = 0;
        if (!t)
            continue;
        tl = strlen(t);
        for (size_t k = 0; k < tl; k++)
            diff |= (unsigned char)(t[k] ^ (k < hl ? bearer[k] : 0));
        if (diff == 0 && hl == tl)
            hit = &g_clients[i];
    }
    return hit;
}

void pvs_clients_free(void)
{
    for (unsigned i = 0; i < g_n; i++)
        if (g_clients[i].token) {
            explicit_bzero(g_clients[i].token, strlen(g_clients[i].token));
            free(g_clients[i].token);
        }
    g_n = 0;
    g_anonymous = -1;
}
