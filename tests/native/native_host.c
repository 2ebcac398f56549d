/*
 * native_host.c: the native-code containment suite (issue 15).
 *
 * Each attack in tests/native/attacks/NAME.py is run with the Python layer off and the
 * static layers off (PV_RUN_NO_PYTHON_LAYER | PV_RUN_ALLOW_UNVERIFIED, compiled with
 * PV_LAYER_UNSAFE_NONE), in a host that imported ctypes before the run: the program is
 * arbitrary native code and the OS layer alone stands in its way. prelude.py is prepended
 * to every attack. An attack's header says what must come out:
 *
 *   # expect: killed|error        statuses allowed (pv_run_status_name)
 *   # kill: seccomp               the kill reason must start with this (optional)
 *   # mode: runner                run through a warm pv_runner after a request holding a
 *                                 secret constant (default: pv_run)
 *   # mode: sequential            the same request, then the attack, both by pv_run
 *   # mode: both                  as pv_run, and again as warm_NAME through a warm runner
 *                                 (one file, so the two runs cannot drift apart)
 *   # mode: session               as a cell of a pv_session (stdin set in the program)
 *   # mode: batch                 as the one item of pv_run_batch: an expression that
 *                                 exec's the attack with stdin and stdout in memory, its
 *                                 printed text the item's value
 *   # host: nobody                the host itself runs as the child's uid (the attack then
 *                                 aims at the host; default: the host stays root if it is)
 *   # cpu: 5  # timeout: 10       limits (defaults 1 and 3 seconds)
 *
 * and for every case, whatever its header:
 *   - the status is one of those expected;
 *   - nothing leaked: no canary (the host's environment string, a token in its heap, a
 *     host file's content, an earlier request's constant) in stdout, stderr, the exception,
 *     the kill reason or the value; no "BREACH" line (the attack prints one when it got what
 *     it must not have);
 *   - the parent believed no forgery: "FORGED" in no verdict field (kill reason, layers,
 *     skipped steps, value);
 *   - nothing outlived the run: the case's host is a child subreaper, so every process of
 *     the run that survives ends up its child;
 *   - nobody else was harmed: the victim (a process of the child's uid that the suite
 *     spawns) and the case's host are alive and not stopped, the host file is intact.
 *
 * Every case runs in a fresh host process forked from the suite, which initialised the
 * interpreter and imported ctypes once (so that a case that kills or stops its host is
 * seen, not suffered). Cases listed in expected_failures.txt are known
 * to fail until a fix lands: they are run and reported (XFAIL), and one that passes is an
 * error (XPASS: remove it from the list). Usage:
 *   native_host ATTACKS_DIR PRELUDE XFAIL_FILE [--markdown] [NAME...]
 */
#include <Python.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pyverify.h"

/* Sanitizer builds (CI runs the suite under ASan): some cases differ there, see
 * expected_failures.txt ("[sanitizer]" lines). */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

#define NOBODY 65534u
#define MAX_ATTACKS 256
#define ENV_NAME "PV_NATIVE_ENV_SECRET"

/* The secrets. The environment string lives on the initial stack (the suite re-executes
 * itself with it); the token in the heap; the file on disk; the request constant in the
 * source of the request a warm runner runs before the attack. The suite's own copies, kept
 * to look for them in the results, are masked: a real host would not hold them, so the
 * attack must not find them in the suite's memory either. */
#define MASK 0x5a
static char env_canary[64];  /* masked */
/* What the prelude imports: by this host before any pv_run, by a runner's template. */
#define NATIVE_PRELOAD "ctypes,ctypes.util,os,sys,signal,errno,struct"
#define NATIVE_PRELOAD_IMPORT "ctypes, ctypes.util, os, sys, signal, errno, struct"
static char *token_canary;   /* malloc'd, never freed, plain: a host's bearer token */
static char file_canary[64]; /* masked */
static char req_canary[64];  /* masked */

static void mask(char *s)
{
    for (; *s; s++)
        *s = (char)(*s ^ MASK);
}

/* dst = the plain text of a masked canary */
static void unmask(char *dst, size_t cap, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < cap; i++)
        dst[i] = (char)(src[i] ^ MASK);
    dst[i] = '\0';
}
static char host_dir[64], host_file[128];
static pid_t victim = -1;
static pv_policy *policy; /* the default policy, loaded once by the suite */
static bool markdown;

typedef struct attack {
    char name[96];
    char expect[128];
    char kill[96];
    bool runner, sequential, host_nobody, session, batch;
    double cpu_s, timeout_s;
    char *src; /* prelude + attack */
    bool xfail;
    char xfail_why[160];
} attack;

static attack attacks[MAX_ATTACKS];
static size_t nattacks;

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        }
        if (buf) {
            buf[n] = '\0';
            if (len)
                *len = (size_t)n;
        }
    }
    fclose(f);
    return buf;
}

static void random_hex(char *out, size_t n)
{
    unsigned char b[32];
    static const char hex[] = "0123456789abcdef";
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
        for (size_t i = 0; i < sizeof b; i++)
            b[i] = (unsigned char)(rand() ^ (int)getpid() ^ (int)i);
    }
    for (size_t i = 0; i + 1 < n && i < 2 * sizeof b; i++)
        out[i] = hex[(b[i / 2] >> (i % 2 ? 0 : 4)) & 15];
    out[n - 1 < 2 * sizeof b ? n - 1 : 2 * sizeof b] = '\0';
}

/* "# key: value" lines at the top of an attack. */
static void header_value(const char *src, const char *key, char *out, size_t cap)
{
    size_t klen = strlen(key);
    const char *p = src;
    out[0] = '\0';
    while (*p == '#') {
        const char *eol = strchr(p, '\n');
        size_t linelen = eol ? (size_t)(eol - p) : strlen(p);
        if (linelen > klen + 3 && strncmp(p + 2, key, klen) == 0 && p[2 + klen] == ':') {
            const char *v = p + 3 + klen;
            size_t n;
            while (*v == ' ')
                v++;
            n = (size_t)(p + linelen - v);
            if (n >= cap)
                n = cap - 1;
            memcpy(out, v, n);
            out[n] = '\0';
            return;
        }
        if (!eol)
            break;
        p = eol + 1;
    }
}

static int cmp_attack(const void *a, const void *b)
{
    return strcmp(((const attack *)a)->name, ((const attack *)b)->name);
}

static bool wanted(const char *name, int argc, char **argv, int first)
{
    if (first >= argc)
        return true;
    for (int i = first; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return true;
    return false;
}

static int load_attacks(const char *dir, const char *prelude_path, const char *xfail_path,
                        int argc, char **argv, int first)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t plen;
    char *prelude = read_file(prelude_path, &plen);
    char *xfail = read_file(xfail_path, NULL);
    if (!d || !prelude || !xfail) {
        fprintf(stderr, "native_host: cannot read %s, %s or %s\n", dir, prelude_path,
                xfail_path);
        return -1;
    }
    while ((e = readdir(d)) && nattacks < MAX_ATTACKS) {
        size_t n = strlen(e->d_name), slen;
        char path[512], v[64], *src;
        attack *a;
        if (n < 4 || n - 3 >= sizeof a->name || strcmp(e->d_name + n - 3, ".py") != 0)
            continue;
        char warm[sizeof a->name];
        bool cold_wanted, warm_wanted, both;
        a = &attacks[nattacks];
        memcpy(a->name, e->d_name, n - 3);
        a->name[n - 3] = '\0';
        cold_wanted = wanted(a->name, argc, argv, first);
        warm_wanted = (size_t)snprintf(warm, sizeof warm, "warm_%s", a->name) < sizeof warm &&
                      wanted(warm, argc, argv, first);
        if (!cold_wanted && !warm_wanted)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        src = read_file(path, &slen);
        if (!src)
            return -1;
        header_value(src, "expect", a->expect, sizeof a->expect);
        header_value(src, "kill", a->kill, sizeof a->kill);
        header_value(src, "mode", v, sizeof v);
        both = strcmp(v, "both") == 0;
        a->runner = strcmp(v, "runner") == 0;
        a->sequential = strcmp(v, "sequential") == 0;
        a->session = strcmp(v, "session") == 0;
        a->batch = strcmp(v, "batch") == 0;
        if (!both)
            warm_wanted = false;
        if (!cold_wanted && !warm_wanted) {
            free(src);
            continue;
        }
        header_value(src, "host", v, sizeof v);
        a->host_nobody = strcmp(v, "nobody") == 0;
        header_value(src, "cpu", v, sizeof v);
        a->cpu_s = v[0] ? strtod(v, NULL) : 1.0;
        header_value(src, "timeout", v, sizeof v);
        a->timeout_s = v[0] ? strtod(v, NULL) : 3.0;
        if (!a->expect[0]) {
            fprintf(stderr, "native_host: %s has no '# expect:' line\n", path);
            return -1;
        }
        a->src = malloc(plen + slen + 2);
        if (!a->src)
            return -1;
        memcpy(a->src, prelude, plen);
        a->src[plen] = '\n';
        memcpy(a->src + plen + 1, src, slen + 1);
        free(src);
        if (!cold_wanted) { /* only the warm run of a "both" attack */
            memcpy(a->name, warm, strlen(warm) + 1);
            a->runner = true;
        }
        nattacks++;
        if (cold_wanted && warm_wanted && nattacks < MAX_ATTACKS) {
            attack *b = &attacks[nattacks];
            *b = *a;
            memcpy(b->name, warm, strlen(warm) + 1);
            b->runner = true;
            b->src = malloc(plen + slen + 2);
            if (!b->src)
                return -1;
            memcpy(b->src, a->src, plen + slen + 2);
            nattacks++;
        }
    }
    closedir(d);
    qsort(attacks, nattacks, sizeof attacks[0], cmp_attack);
    /* expected_failures.txt: "name  why" lines; # comments */
    for (char *line = strtok(xfail, "\n"); line; line = strtok(NULL, "\n")) {
        char name[96];
        size_t n = strcspn(line, " \t");
        if (line[0] == '#' || n == 0 || n >= sizeof name)
            continue;
        memcpy(name, line, n);
        name[n] = '\0';
        for (size_t i = 0; i < nattacks; i++) {
            if (strcmp(attacks[i].name, name) == 0) {
                const char *why = line + n + strspn(line + n, " \t");
                /* "[sanitizer] why": expected to fail in sanitizer builds only */
                if (strncmp(why, "[sanitizer]", 11) == 0 && !SANITIZED)
                    continue;
                attacks[i].xfail = true;
                snprintf(attacks[i].xfail_why, sizeof attacks[i].xfail_why, "%s", why);
            }
        }
    }
    free(prelude);
    free(xfail);
    return 0;
}

/* ---- the case host ------------------------------------------------------------------- */

typedef struct report {
    char buf[8192];
    size_t len;
    int fails;
} report;

static void note(report *rp, bool fail, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note(report *rp, bool fail, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (rp->len >= sizeof rp->buf - 2)
        return;
    va_start(ap, fmt);
    n = vsnprintf(rp->buf + rp->len, sizeof rp->buf - rp->len - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    rp->len += (size_t)n < sizeof rp->buf - rp->len - 1 ? (size_t)n : sizeof rp->buf - rp->len - 1;
    rp->buf[rp->len++] = '\n';
    rp->buf[rp->len] = '\0';
    if (fail)
        rp->fails++;
}

static bool status_expected(const char *expect, const char *status)
{
    size_t n = strlen(status);
    const char *p = expect;
    while (*p) {
        size_t m = strcspn(p, "|");
        if (m == n && strncmp(p, status, n) == 0)
            return true;
        p += m;
        if (*p == '|')
            p++;
    }
    return false;
}

static const char *nz(const char *s) { return s ? s : ""; }

static void check_leaks(report *rp, const char *what, const char *data, size_t len)
{
    const char *canaries[] = {env_canary, token_canary, file_canary, req_canary};
    const char *names[] = {"the host's environment", "the host's token", "the host file",
                           "an earlier request"};
    char plain[64];
    if (!data)
        return;
    for (size_t i = 0; i < 4; i++) {
        if (i == 1)
            snprintf(plain, sizeof plain, "%s", canaries[i]);
        else
            unmask(plain, sizeof plain, canaries[i]);
        if (plain[0] && memmem(data, len, plain, strlen(plain)))
            note(rp, true, "LEAK: %s holds %s", what, names[i]);
    }
    explicit_bzero(plain, sizeof plain);
    if (memmem(data, len, "BREACH", 6)) {
        const char *b = memmem(data, len, "BREACH", 6);
        size_t n = strcspn(b, "\n");
        note(rp, true, "BREACH in %s: %.*s", what, (int)(n > 200 ? 200 : n), b);
    }
}

static void check_forged(report *rp, const char *what, const char *s)
{
    if (s && strstr(s, "FORGED"))
        note(rp, true, "FORGED record believed: %s = %.120s", what, s);
}

/* Children of this process (it is a subreaper: whatever the run left behind). */
static int leftovers(report *rp, bool report_them)
{
    char path[64], buf[4096];
    int n = 0;
    FILE *f;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    snprintf(path, sizeof path, "/proc/self/task/%ld/children", (long)getpid());
    f = fopen(path, "r");
    if (!f)
        return 0;
    if (fgets(buf, sizeof buf, f)) {
        char *p = buf, *end;
        for (;;) {
            long v = strtol(p, &end, 10);
            if (end == p)
                break;
            n++;
            if (report_them) {
                note(rp, true, "OUTLIVED: process %ld survived the run", v);
                kill((pid_t)v, SIGKILL);
            }
            p = end;
        }
    }
    fclose(f);
    return n;
}

/* The processes of runs: every descendant of this host below its direct children (the
 * templates of its runners and of pv_run's cache). Before a warm run these are the one warm
 * child asked ahead (its supervisor, init and program); after the call every one of them
 * must be gone or dying: issue 19 ends a run early, and its processes are reaped later by
 * the template, but none may still run code when the call returns. */
#define MAX_RUN_PROCS 64
static size_t child_pids(pid_t parent, pid_t *out, size_t cap)
{
    char path[64], buf[4096];
    size_t n = 0;
    FILE *f;
    snprintf(path, sizeof path, "/proc/%ld/task/%ld/children", (long)parent, (long)parent);
    f = fopen(path, "r");
    if (!f)
        return 0;
    if (fgets(buf, sizeof buf, f)) {
        char *q = buf, *end;
        while (n < cap) {
            long v = strtol(q, &end, 10);
            if (end == q)
                break;
            out[n++] = (pid_t)v;
            q = end;
        }
    }
    fclose(f);
    return n;
}

static size_t run_processes(pid_t *out, size_t cap)
{
    pid_t top[16];
    size_t ntop = child_pids(getpid(), top, 16), n = 0;
    for (size_t i = 0; i < ntop && n < cap; i++)
        n += child_pids(top[i], out + n, cap - n);
    for (size_t i = 0; i < n && n < cap; i++) /* breadth first: their descendants */
        n += child_pids(out[i], out + n, cap - n);
    return n;
}

/* Gone, a zombie, exiting (PF_EXITING), or with SIGKILL pending: it runs no more code. */
static bool dying(pid_t pid, char *state)
{
    char path[64], buf[4096];
    const char *p;
    unsigned long flags = 0;
    int fd;
    ssize_t n;
    *state = '?';
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return true;
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return true;
    buf[n] = '\0';
    p = strrchr(buf, ')');
    /* ") S ppid pgrp session tty tpgid flags" */
    if (!p || sscanf(p + 1, " %c %*d %*d %*d %*d %*d %lu", state, &flags) != 2)
        return true;
    if (*state == 'Z' || *state == 'X' || (flags & 0x4u))
        return true;
    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return true;
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return true;
    buf[n] = '\0';
    {
        const char *keys[] = {"\nSigPnd:", "\nShdPnd:"}; /* the thread's, the process's */
        for (size_t i = 0; i < 2; i++) {
            p = strstr(buf, keys[i]);
            if (p && (strtoull(p + strlen(keys[i]), NULL, 16) & (1ull << (SIGKILL - 1))))
                return true;
        }
    }
    return false;
}

/* Readable pages mapped in this process (the child starts as a copy of it), from
 * /proc/self/maps: the memory scanner reports how much of it it reached. 0 when unknown. */
static unsigned long readable_pages(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    unsigned long total = 0;
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 && perms[0] == 'r' &&
            !strstr(line, "[vvar]") && !strstr(line, "[vsyscall]") && hi > lo)
            total += (hi - lo) / 4096u;
    }
    fclose(f);
    return total;
}

static pv_program *compile(const pv_policy *pol, const char *src, const char *name)
{
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    pv_program *prog = NULL;
    vo.layers = PV_LAYER_UNSAFE_NONE;
    if (pv_verify(&prog, pol, src, strlen(src), name, &vo) < 0)
        return NULL;
    if (pv_program_verdict(prog) != PV_ACCEPTED) {
        pv_program_free(prog);
        return NULL;
    }
    return prog;
}

/* "PRE" + the hex of `text` + "POST", malloc'd. */
static char *hex_wrap(const char *pre, const char *text, const char *post)
{
    size_t n = strlen(text), lp = strlen(pre), lq = strlen(post);
    char *out = malloc(lp + 2 * n + lq + 1);
    if (!out)
        return NULL;
    memcpy(out, pre, lp);
    for (size_t i = 0; i < n; i++)
        snprintf(out + lp + 2 * i, 3, "%02x", (unsigned char)text[i]);
    memcpy(out + lp + 2 * n, post, lq + 1);
    return out;
}

/* The attack with its stdin set in the program (a session's and a batch's children have
 * none): module source, or for a batch an expression whose value is what it printed. */
static pv_program *compile_wrapped(const attack *a, const char *stdin_text)
{
    char *in = hex_wrap("import io, sys\nsys.stdin = io.StringIO(bytes.fromhex('", stdin_text,
                        "').decode())\nOUT = io.StringIO()\n");
    char *mod = NULL, *src = NULL;
    pv_program *prog = NULL;
    size_t lin, lsrc;
    if (!in)
        return NULL;
    lin = strlen(in);
    lsrc = strlen(a->src);
    mod = malloc(lin + lsrc + 40);
    if (!mod) {
        free(in);
        return NULL;
    }
    snprintf(mod, lin + lsrc + 40, "%s%s%s", in, a->batch ? "sys.stdout = OUT\n" : "", a->src);
    free(in);
    if (!a->batch) {
        prog = compile(policy, mod, a->name);
    } else if ((src = hex_wrap("exec(bytes.fromhex('", mod, "').decode(), globals()) or "
                                                            "OUT.getvalue()"))) {
        pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
        vo.layers = PV_LAYER_UNSAFE_NONE;
        vo.mode = PV_MODE_EXPR;
        if (pv_verify(&prog, policy, src, strlen(src), a->name, &vo) < 0 ||
            pv_program_verdict(prog) != PV_ACCEPTED) {
            pv_program_free(prog);
            prog = NULL;
        }
    }
    free(src);
    free(mod);
    return prog;
}

/* A batch of one item: its status and value, checked as a run's. */
static void run_batch_case(const attack *a, report *rp, const pv_program *prog,
                           const pv_run_opts *o)
{
    pv_batch_result *br = NULL;
    pv_batch_opts bo = {PV_BATCH_OPTS_VERSION, 0, 0, 0};
    pv_batch_item item = {prog, NULL};
    const char *st, *val;
    bo.item_cpu_s = a->cpu_s;
    if (pv_run_batch(&br, &item, 1, o, &bo) < 0) {
        note(rp, true, "setup: pv_run_batch: %s", pv_last_error());
        return;
    }
    st = pv_run_status_name(pv_batch_item_status(br, 0));
    val = pv_batch_item_value(br, 0);
    note(rp, false, "observed: %s %s", st, nz(pv_batch_item_reason(br, 0)));
    if (!status_expected(a->expect, st))
        note(rp, true, "STATUS: %s, expected %s (exception %s: %.160s)", st, a->expect,
             nz(pv_batch_item_exception_type(br, 0)), nz(pv_batch_item_exception_message(br, 0)));
    for (size_t i = 0; i < pv_batch_result_skipped_count(br); i++)
        note(rp, false, "skipped: %s", pv_batch_result_skipped_step(br, i));
    check_leaks(rp, "the value", val, strlen(nz(val)));
    check_leaks(rp, "the exception message", pv_batch_item_exception_message(br, 0),
                strlen(nz(pv_batch_item_exception_message(br, 0))));
    if (getenv("PV_NATIVE_VERBOSE") || rp->fails)
        note(rp, false, "value: %.1500s", nz(val));
    pv_batch_result_free(br);
}

static void run_case(const attack *a, report *rp)
{
    pv_program *prog = NULL;
    pv_runner *rn = NULL;
    pv_session *ses = NULL;
    pv_run_result *r = NULL;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    char stdin_buf[2048];
    const unsigned flags = PV_RUN_NO_PYTHON_LAYER | PV_RUN_ALLOW_UNVERIFIED;
    const char *st, *out, *err;
    size_t olen, elen, nbefore = 0;
    pid_t before[MAX_RUN_PROCS];

    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
        note(rp, true, "setup: PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
        return;
    }
    if (a->host_nobody && geteuid() == 0 &&
        (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
         setresuid(NOBODY, NOBODY, NOBODY) < 0)) {
        note(rp, true, "setup: dropping the host to uid 65534: %s", strerror(errno));
        return;
    }
    if (!a->session && !a->batch)
        prog = compile(policy, a->src, a->name);
    if (!a->session && !a->batch && !prog) {
        note(rp, true, "setup: the attack does not compile: %s", pv_last_error());
        goto done;
    }
    {
        /* the identities (device, inode) of host paths: reaching one of them by path is
           reaching the host's filesystem, whatever the child's root looks like */
        const char *paths[] = {"/", "/tmp", "/etc", "/etc/passwd", "/usr", "/root", "/home",
                               host_dir, host_file};
        size_t off = (size_t)snprintf(stdin_buf, sizeof stdin_buf,
                                      "victim=%ld host=%ld file=%s hostids=", (long)victim,
                                      (long)getpid(), host_file);
        for (size_t i = 0; i < sizeof paths / sizeof paths[0] && off < sizeof stdin_buf; i++) {
            struct stat hs;
            if (stat(paths[i], &hs) == 0)
                off += (size_t)snprintf(stdin_buf + off, sizeof stdin_buf - off, "%s|%lu|%lu,",
                                        paths[i], (unsigned long)hs.st_dev,
                                        (unsigned long)hs.st_ino);
        }
        if (off < sizeof stdin_buf)
            snprintf(stdin_buf + off, sizeof stdin_buf - off, " mapped_pages=%lu\n",
                     readable_pages());
    }
    o.flags = flags;
    o.cpu_s = a->cpu_s;
    o.timeout_s = a->timeout_s;
    o.stdin_data = stdin_buf;
    o.stdin_len = strlen(stdin_buf);
    if (a->session || a->batch) {
        prog = compile_wrapped(a, stdin_buf);
        if (!prog) {
            note(rp, true, "setup: the attack does not compile: %s", pv_last_error());
            goto done;
        }
        o.stdin_data = NULL;
        o.stdin_len = 0;
    }
    if (a->batch) {
        run_batch_case(a, rp, prog, &o);
        goto done;
    }
    if (a->session) {
        pv_session *sess = NULL;
        pv_session_opts so = PV_SESSION_OPTS_INIT;
        so.flags = flags;
        so.total_cpu_s = a->cpu_s + 5.0;
        if (pv_session_new(&sess, policy, &so) < 0) {
            note(rp, true, "setup: pv_session_new: %s", pv_last_error());
            goto done;
        }
        if (pv_session_run(sess, &r, prog, &o) < 0) {
            note(rp, true, "setup: pv_session_run: %s", pv_last_error());
            pv_session_free(sess);
            goto done;
        }
        pv_session_free(sess);
    } else if (a->runner || a->sequential) {
        /* request A: a tenant's secret constant in its source and its stdin, run and then
           wiped and freed by the host; then the attack, by the same runner (warm) or by
           pv_run from the same host (sequential) */
        pv_run_opts oa = PV_RUN_OPTS_INIT;
        pv_run_result *ra = NULL;
        char *srca = malloc(256), *ina = malloc(128);
        pv_program *pa = NULL;
        int rc = -1;
        /* the library's clean template (required: a runner forking from this host would
           carry its token and request A); it imports what the prelude uses, as this
           host did for pv_run */
        pv_runner_opts ro = PV_RUNNER_OPTS_INIT;
        ro.flags = flags;
        ro.template_mode = PV_TEMPLATE_REQUIRE;
        ro.preload = NATIVE_PRELOAD;
        ro.pool = 1; /* one warm child ahead, as pv_run's cache: the one the attack gets */
        if (!srca || !ina || (a->runner && pv_runner_new_opts(&rn, policy, &ro) < 0)) {
            note(rp, true, "setup: pv_runner_new: %s", pv_last_error());
            free(srca);
            free(ina);
            goto done;
        }
        {
            char plain[64];
            unmask(plain, sizeof plain, req_canary);
            snprintf(srca, 256,
                     "import sys\nsecret = '%s'\nprint(len(secret + sys.stdin.read()))\n", plain);
            snprintf(ina, 128, "stdin %s", plain);
            explicit_bzero(plain, sizeof plain);
        }
        pa = compile(policy, srca, "request_a.py");
        oa.flags = flags;
        oa.stdin_data = ina;
        oa.stdin_len = strlen(ina);
        if (pa)
            rc = a->runner ? pv_runner_run(rn, &ra, pa, &oa) : pv_run(&ra, pa, &oa);
        if (rc < 0 || pv_run_result_status(ra) != PV_RUN_OK)
            note(rp, true, "setup: request A did not run: %s", rc < 0 ? pv_last_error() : "");
        pv_run_result_free(ra);
        pv_program_free(pa);
        explicit_bzero(srca, 256);
        explicit_bzero(ina, 128);
        free(srca);
        free(ina);
        if (rp->fails)
            goto done;
        {
            /* the warm child that will run the attack (request A's processes may still be
               dying: not counted): wait until it is forked and split */
            for (int i = 0; i < 200; i++) {
                size_t n = run_processes(before, MAX_RUN_PROCS);
                char state;
                nbefore = 0;
                for (size_t k = 0; k < n; k++)
                    if (!dying(before[k], &state))
                        before[nbefore++] = before[k];
                if (nbefore >= 3)
                    break;
                usleep(10000);
            }
        }
        if (a->runner && pv_runner_run(rn, &r, prog, &o) < 0) {
            note(rp, true, "setup: pv_runner_run: %s", pv_last_error());
            goto done;
        }
        if (a->sequential && pv_run(&r, prog, &o) < 0) {
            note(rp, true, "setup: pv_run: %s", pv_last_error());
            goto done;
        }
    } else if (a->session) {
        pv_session_opts so = PV_SESSION_OPTS_INIT;
        so.flags = flags;
        so.total_cpu_s = a->cpu_s + 5.0;
        o.stdin_data = NULL; /* a session's stdin is /dev/null: the parameters as input */
        o.stdin_len = 0;
        if (pv_session_new(&ses, policy, &so) < 0 || pv_session_run(ses, &r, prog, &o) < 0) {
            note(rp, true, "setup: pv_session: %s", pv_last_error());
            goto done;
        }
    } else if (pv_run(&r, prog, &o) < 0) {
        note(rp, true, "setup: pv_run: %s", pv_last_error());
        goto done;
    }

    /* at the return, nothing of the run runs any more (before anything is freed here). An
       early end (issue 19) kills all three itself; a run killed for a limit is ended by
       killing its init, whose exit kills the program in its namespace a moment later: a
       short grace (a loaded machine) before a live one is reported, for those only */
    int grace = 0;
    if (r) {
        pv_run_status rs = pv_run_result_status(r);
        grace = rs == PV_RUN_OK || rs == PV_RUN_ERROR || rs == PV_RUN_MEMORY ? 0 : 100;
    }
    for (int tries = 0; nbefore > 0; tries++) {
        size_t alive = 0;
        char state = '?';
        for (size_t i = 0; i < nbefore; i++)
            if (!dying(before[i], &state))
                before[alive++] = before[i];
        nbefore = alive;
        if (alive == 0 || tries >= grace) {
            for (size_t i = 0; i < alive; i++)
                note(rp, true, "OUTLIVED THE CALL: process %ld of the run alive and not killed "
                               "%d ms after the call returned", (long)before[i], tries * 10);
            break;
        }
        usleep(10000);
    }

    /* the host's time: the run ends within its wall clock (plus the drain grace and a
       loaded machine's slack), whatever the program did */
    if ((double)pv_run_result_wall_ms(r) > (a->timeout_s + 3.0) * 1000.0)
        note(rp, true, "HARM: the run held the host for %lu ms (wall-clock limit %.1f s)",
             pv_run_result_wall_ms(r), a->timeout_s);
    st = pv_run_status_name(pv_run_result_status(r));
    out = pv_run_result_stdout(r, &olen);
    err = pv_run_result_stderr(r, &elen);
    {
        char kr[140] = "", ex[100] = "";
        if (pv_run_result_kill_reason(r))
            snprintf(kr, sizeof kr, " (%s)", pv_run_result_kill_reason(r));
        if (pv_run_result_exception_type(r))
            snprintf(ex, sizeof ex, " %s", pv_run_result_exception_type(r));
        note(rp, false, "observed: %s%s%s", st, kr, ex);
    }
    if (pv_run_result_exception_type(r) &&
        (strcmp(pv_run_result_exception_type(r), "ImportError") == 0 ||
         strcmp(pv_run_result_exception_type(r), "ModuleNotFoundError") == 0))
        note(rp, true, "setup: ctypes is not available in the child: the suite cannot run "
                       "native code (%s)", nz(pv_run_result_exception_message(r)));
    if (!status_expected(a->expect, st))
        note(rp, true, "STATUS: %s, expected %s (signal %d, exit %d, exception %s: %.160s)", st,
             a->expect, pv_run_result_signal(r), pv_run_result_exit_code(r),
             nz(pv_run_result_exception_type(r)), nz(pv_run_result_exception_message(r)));
    if (a->kill[0] && strncmp(nz(pv_run_result_kill_reason(r)), a->kill, strlen(a->kill)) != 0)
        note(rp, true, "KILL REASON: '%s', expected '%s...'", nz(pv_run_result_kill_reason(r)),
             a->kill);
    {
        /* the layers of this run, for the summary (which deployment got which layers) */
        char lay[600];
        size_t k = 0;
        lay[0] = '\0';
        for (size_t i = 0; i < pv_run_result_layer_count(r) && k < sizeof lay; i++)
            k += (size_t)snprintf(lay + k, sizeof lay - k, "%s%s", i ? "," : "",
                                  pv_run_result_layer(r, i));
        note(rp, false, "layers: %s", lay);
        k = 0;
        lay[0] = '\0';
        for (size_t i = 0; i < pv_run_result_skipped_count(r) && k < sizeof lay; i++)
            k += (size_t)snprintf(lay + k, sizeof lay - k, "%s%s", i ? "," : "",
                                  pv_run_result_skipped_step(r, i));
        note(rp, false, "skipped: %s", lay[0] ? lay : "none");
    }
    check_leaks(rp, "stdout", out, olen);
    check_leaks(rp, "stderr", err, elen);
    check_leaks(rp, "the exception message", pv_run_result_exception_message(r),
                strlen(nz(pv_run_result_exception_message(r))));
    check_leaks(rp, "the kill reason", pv_run_result_kill_reason(r),
                strlen(nz(pv_run_result_kill_reason(r))));
    check_leaks(rp, "the value", pv_run_result_value(r), strlen(nz(pv_run_result_value(r))));
    check_forged(rp, "kill reason", pv_run_result_kill_reason(r));
    check_forged(rp, "value", pv_run_result_value(r));
    for (size_t i = 0; i < pv_run_result_layer_count(r); i++)
        check_forged(rp, "layer", pv_run_result_layer(r, i));
    for (size_t i = 0; i < pv_run_result_skipped_count(r); i++)
        check_forged(rp, "skipped step", pv_run_result_skipped_reason(r, i));
    if (getenv("PV_NATIVE_VERBOSE"))
        note(rp, false, "stdout: %.1500s\nstderr: %.1500s", out, err);
    else if (rp->fails)
        note(rp, false, "stdout: %.600s\nstderr: %.400s", out, err);

done:
    pv_run_result_free(r);
    pv_session_free(ses);
    pv_runner_free(rn);
    pv_program_free(prog);
    pv_policy_free(policy);
    policy = NULL;
    pv_shutdown(); /* the library's own helpers, if it keeps any, end here */
    /* whatever the run left: its processes must be gone (a short grace for the kernel) */
    for (int i = 0; i < 50 && leftovers(rp, false) > 0; i++)
        usleep(10000);
    leftovers(rp, true);
}

/* ---- the suite -------------------------------------------------------------------------- */

static pid_t spawn_victim(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        setpgid(0, 0); /* a group of its own, for the attacks aimed at a process group */
        if (geteuid() == 0 && (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
                               setresuid(NOBODY, NOBODY, NOBODY) < 0))
            _exit(2);
        for (;;)
            pause();
    }
    return pid;
}

/* The victim must be alive and running; otherwise say why and replace it. */
static bool victim_ok(char *why, size_t cap)
{
    int ws;
    pid_t r = waitpid(victim, &ws, WNOHANG | WUNTRACED);
    if (r == 0)
        return true;
    if (r == victim && WIFSTOPPED(ws))
        snprintf(why, cap, "HARM: the victim (uid %u) was stopped by signal %d",
                 geteuid() == 0 ? NOBODY : (unsigned)geteuid(), WSTOPSIG(ws));
    else if (r == victim && WIFSIGNALED(ws))
        snprintf(why, cap, "HARM: the victim (uid %u) was killed by signal %d",
                 geteuid() == 0 ? NOBODY : (unsigned)geteuid(), WTERMSIG(ws));
    else
        snprintf(why, cap, "HARM: the victim is gone");
    kill(victim, SIGKILL);
    waitpid(victim, NULL, 0);
    victim = spawn_victim();
    return false;
}

static bool host_file_ok(void)
{
    char *s = read_file(host_file, NULL);
    char plain[64];
    bool ok;
    unmask(plain, sizeof plain, file_canary);
    ok = s && strcmp(s, plain) == 0;
    explicit_bzero(plain, sizeof plain);
    if (s)
        explicit_bzero(s, strlen(s));
    free(s);
    return ok;
}

/* Run one case in a fresh host; collect its report and what happened to it. */
static int run_one(const attack *a, report *rp)
{
    int pfd[2];
    pid_t pid;
    int ws = 0;
    char why[160];
    double limit = a->timeout_s + 20.0;
    struct timespec t0, t1;
    PyGILState_STATE g;

    memset(rp, 0, sizeof *rp);
    if (pipe2(pfd, O_CLOEXEC) < 0)
        return -1;
    fflush(stdout);
    fflush(stderr);
    /* the interpreter is up in this process (a host that serves many runs): fork as
       CPython wants it, with the GIL held */
    g = PyGILState_Ensure();
    PyOS_BeforeFork();
    pid = fork();
    if (pid != 0) {
        PyOS_AfterFork_Parent();
        PyGILState_Release(g);
    }
    if (pid < 0)
        return -1;
    if (pid == 0) {
        report mine;
        size_t off = 0;
        PyOS_AfterFork_Child();
        PyGILState_Release(g);
        close(pfd[0]);
        memset(&mine, 0, sizeof mine);
        run_case(a, &mine);
        while (off < mine.len) {
            ssize_t w = write(pfd[1], mine.buf + off, mine.len - off);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        _exit(mine.fails ? 1 : 0);
    }
    close(pfd[1]);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct pollfd p = {pfd[0], POLLIN, 0};
        double el;
        int rc = poll(&p, 1, 100);
        if (rc > 0) {
            ssize_t n = read(pfd[0], rp->buf + rp->len, sizeof rp->buf - 1 - rp->len);
            if (n > 0) {
                rp->len += (size_t)n;
                rp->buf[rp->len] = '\0';
                continue;
            }
        }
        pid_t w = waitpid(pid, &ws, WNOHANG | WUNTRACED);
        if (w == pid && WIFSTOPPED(ws)) {
            note(rp, true, "HARM: the host was stopped by signal %d", WSTOPSIG(ws));
            kill(pid, SIGKILL);
            waitpid(pid, &ws, 0);
            break;
        }
        if (w == pid)
            break;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        el = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        if (el > limit) {
            note(rp, true, "HARM: the host hung for %.0f s", el);
            kill(pid, SIGKILL);
            waitpid(pid, &ws, 0);
            break;
        }
    }
    /* drain what is left */
    for (;;) {
        ssize_t n = read(pfd[0], rp->buf + rp->len, sizeof rp->buf - 1 - rp->len);
        if (n <= 0)
            break;
        rp->len += (size_t)n;
        rp->buf[rp->len] = '\0';
    }
    close(pfd[0]);
    /* the case host exits 1 when one of its checks failed, 0 when all held */
    rp->fails = 0;
    if (WIFSIGNALED(ws))
        note(rp, true, "HARM: the host was killed by signal %d", WTERMSIG(ws));
    else if (WIFEXITED(ws) && WEXITSTATUS(ws) == 1)
        rp->fails++;
    else if (WIFEXITED(ws) && WEXITSTATUS(ws) != 0)
        note(rp, true, "the host exited with %d", WEXITSTATUS(ws));
    if (strstr(rp->buf, "HARM: the host"))
        rp->fails++;
    if (!victim_ok(why, sizeof why))
        note(rp, true, "%s", why);
    if (!host_file_ok())
        note(rp, true, "HARM: the host file was changed or removed");
    return 0;
}

static void first_line_value(const char *buf, const char *key, char *out, size_t cap)
{
    const char *p = strstr(buf, key);
    size_t n;
    out[0] = '\0';
    if (!p)
        return;
    p += strlen(key);
    n = strcspn(p, "\n");
    if (n >= cap)
        n = cap - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

/* The secret that exists before anything else: the environment string on the stack of a
 * fresh image (this program re-executes itself with it). */
static int prepare_env(char **argv)
{
    const char *e = getenv(ENV_NAME);
    if (!e) {
        char v[48];
        random_hex(v, 33);
        snprintf(env_canary, sizeof env_canary, "pvenv-%s", v);
        if (setenv(ENV_NAME, env_canary, 1) < 0)
            return -1;
        execv("/proc/self/exe", argv);
        fprintf(stderr, "native_host: re-exec failed: %s\n", strerror(errno));
        return -1;
    }
    snprintf(env_canary, sizeof env_canary, "%s", e);
    mask(env_canary);
    return 0;
}

/* The secrets a host acquires after it started: read after pv_init(), as a service reads its
 * token after the library is up (a template started by pv_init() never held them). */
static int prepare_secrets(void)
{
    int fd;
    token_canary = malloc(64);
    if (!token_canary)
        return -1;
    {
        char v[48];
        random_hex(v, 33);
        snprintf(token_canary, 64, "pvtoken-%s", v);
        random_hex(v, 33);
        snprintf(file_canary, sizeof file_canary, "pvfile-%s", v);
        random_hex(v, 33);
        snprintf(req_canary, sizeof req_canary, "pvreq-%s", v);
        explicit_bzero(v, sizeof v);
    }
    snprintf(host_dir, sizeof host_dir, "/tmp/pv-native-XXXXXX");
    if (!mkdtemp(host_dir) || chmod(host_dir, 0755) < 0)
        return -1;
    snprintf(host_file, sizeof host_file, "%s/host-secret.txt", host_dir);
    fd = open(host_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, file_canary, strlen(file_canary)) != (ssize_t)strlen(file_canary)) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    mask(file_canary);
    mask(req_canary);
    return 0;
}

int main(int argc, char **argv)
{
    int failed = 0, xfail = 0, xpass = 0, passed = 0, first = 4;
    char layers[600] = "", skipped[600] = "";
    struct timespec t0, t1;

#if !defined(__x86_64__)
    fprintf(stderr, "native_host: the attacks use x86_64 system call numbers; skipped\n");
    return 77;
#endif
    if (argc < 4) {
        fprintf(stderr, "usage: %s ATTACKS_DIR PRELUDE XFAIL_FILE [--markdown] [NAME...]\n",
                argv[0]);
        return 2;
    }
    if (argc > 4 && strcmp(argv[4], "--markdown") == 0) {
        markdown = true;
        first = 5;
    }
    if (prepare_env(argv) < 0) {
        fprintf(stderr, "native_host: cannot prepare the environment secret: %s\n",
                strerror(errno));
        return 2;
    }
    /* native code for the children: ctypes (and what the prelude uses) imported by the
       host before any run */
    if (pv_init() < 0) {
        fprintf(stderr, "native_host: pv_init: %s\n", pv_last_error());
        return 2;
    }
    {
        PyGILState_STATE g = PyGILState_Ensure();
        int rc = PyRun_SimpleString("import " NATIVE_PRELOAD_IMPORT);
        PyGILState_Release(g);
        if (rc != 0) {
            fprintf(stderr, "native_host: import ctypes failed\n");
            return 2;
        }
    }
    if (pv_policy_default(&policy) < 0) {
        fprintf(stderr, "native_host: pv_policy_default: %s\n", pv_last_error());
        return 2;
    }
    if (prepare_secrets() < 0) {
        fprintf(stderr, "native_host: cannot prepare the secrets: %s\n", strerror(errno));
        return 2;
    }
    if (load_attacks(argv[1], argv[2], argv[3], argc, argv, first) < 0)
        return 2;
    victim = spawn_victim();
    if (victim < 0)
        return 2;
    signal(SIGPIPE, SIG_IGN);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i <= nattacks; i++) {
        const attack *a = &attacks[i];
        report rp;
        char observed[200], why[160];
        const char *verdict;
        /* a signal sent late (delivered after the case's checks) is charged to that case */
        if (i > 0) {
            if (i == nattacks)
                usleep(200000);
            if (!victim_ok(why, sizeof why)) {
                bool x = attacks[i - 1].xfail;
                printf("%-6s %-32s late: %s\n", x ? "XFAIL" : "FAIL", attacks[i - 1].name, why);
                if (x)
                    xfail++;
                else
                    failed++;
            }
        }
        if (i == nattacks)
            break;
        if (run_one(a, &rp) < 0) {
            fprintf(stderr, "native_host: fork/pipe failed: %s\n", strerror(errno));
            return 2;
        }
        first_line_value(rp.buf, "observed: ", observed, sizeof observed);
        if (!layers[0]) {
            first_line_value(rp.buf, "layers: ", layers, sizeof layers);
            first_line_value(rp.buf, "skipped: ", skipped, sizeof skipped);
        }
        /* a listed case may fail for its reason only: a harness failure ("setup:") or a
           harmed host is never an expected failure */
        if (rp.fails && a->xfail && !strstr(rp.buf, "setup:") && !strstr(rp.buf, "HARM:")) {
            verdict = "XFAIL";
            xfail++;
        } else if (rp.fails) {
            verdict = "FAIL";
            failed++;
        } else if (a->xfail) {
            verdict = "XPASS";
            xpass++;
        } else {
            verdict = "PASS";
            passed++;
        }
        if (markdown) {
            char alts[160];
            size_t k = 0;
            for (const char *c = a->expect; *c && k + 2 < sizeof alts; c++)
                alts[k++] = *c == '|' ? '/' : *c; /* '|' would end a table cell */
            alts[k] = '\0';
            printf("| `%s` | %s | %s | %s | %s |\n", a->name, alts, observed,
                   rp.fails ? "**no**" : "yes", a->xfail ? a->xfail_why : "");
            explicit_bzero(&rp, sizeof rp);
            continue;
        }
        printf("%-6s %-32s expect %-14s observed %s\n", verdict, a->name, a->expect, observed);
        if (rp.fails || getenv("PV_NATIVE_VERBOSE")) {
            /* the details hold what leaked: written with write(2), then wiped, so that
               no copy stays in this process (the next case's host is forked from it) */
            fflush(stdout);
            for (char *line = strtok(rp.buf, "\n"); line; line = strtok(NULL, "\n")) {
                if (strncmp(line, "observed: ", 10) == 0 || strncmp(line, "layers: ", 8) == 0 ||
                    strncmp(line, "skipped: ", 9) == 0)
                    continue;
                if (write(STDOUT_FILENO, "         ", 9) < 0 ||
                    write(STDOUT_FILENO, line, strlen(line)) < 0 ||
                    write(STDOUT_FILENO, "\n", 1) < 0)
                    break;
            }
        }
        explicit_bzero(&rp, sizeof rp);
        if (strcmp(verdict, "XFAIL") == 0)
            printf("         (expected to fail until: %s)\n", a->xfail_why);
        if (strcmp(verdict, "XPASS") == 0)
            printf("         passes now: remove it from expected_failures.txt\n");
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    kill(victim, SIGKILL);
    waitpid(victim, NULL, 0);
    unlink(host_file);
    rmdir(host_dir);
    printf("\nnative suite: %zu attacks, %d contained, %d FAILED, %d expected failures "
           "(XFAIL), %d unexpected passes (XPASS), %.1f s\n",
           nattacks, passed, failed, xfail, xpass,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    printf("layers of the runs: %s\nsteps not applied: %s\n", layers, skipped);
    if (xfail)
        printf("the XFAIL cases are not contained yet: see tests/native/README.md\n");
    return failed || xpass ? 1 : 0;
}
