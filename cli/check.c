/*
 * check.c: `pyverify [options] PATH...`, the pre-commit style checker. Exit 0 when every
 * file is accepted, 1 when any is rejected, 2 for usage and input errors (2 wins).
 *
 * A run has three phases. (1) The parent expands directories and finds each file's policy
 * (config.c), loading every distinct policy once. (2) Files are verified into records (one
 * JSON object per file: verdict, diagnostics, rendered text). One embedded interpreter
 * serialises verification on its GIL, so threads cannot help; with -j N > 1 the parent
 * forks N workers after the policies are loaded, worker w checks files w, w+N, ... and
 * writes its records to an anonymous file (emit(), collect()). (3) The parent prints the
 * records in the order of the file list, whatever the number of workers.
 */
#include <Python.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"
#include "config.h"

#define MAX_DIR_DEPTH 64
#define READ_CAP (64u * 1024u * 1024u) /* the ceiling of max_source_bytes */

typedef struct pathlist {
    char **v;
    size_t n, cap;
} pathlist;

static int pl_add(pathlist *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n] = strdup(s);
    return l->v[l->n] ? (int)(l->n++, 0) : -1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with_py(const char *s)
{
    size_t n = strlen(s);
    return n > 3 && strcmp(s + n - 3, ".py") == 0;
}

/* Directory search skips what ruff skips by default: version control, virtual
 * environments, package and build output, tool caches. --exclude adds patterns. */
static const char *const default_excludes[] = {
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints",
    ".mypy_cache", ".nox", ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache",
    ".svn", ".tox", ".venv", ".vscode", "__pypackages__", "__pycache__", "_build", "buck-out",
    "build", "dist", "node_modules", "site-packages", "venv",
};

typedef struct walk_ctx {
    const pathlist *excludes; /* --exclude GLOBs */
    bool follow;              /* --follow-symlinks */
    dev_t *seen_dev;          /* directories already searched (with follow: no loop, no */
    ino_t *seen_ino;          /* directory searched twice) */
    size_t nseen, capseen;
} walk_ctx;

/* gitignore-style: a pattern ending in '/' matches directories only; a pattern holding a
 * '/' is matched against the whole path (as walked, '*' not crossing '/'), any other
 * against the entry's name. */
static bool glob_match(const char *pat, const char *path, const char *name, bool is_dir)
{
    size_t n = strlen(pat);
    char buf[PATH_MAX];
    if (n && pat[n - 1] == '/') {
        if (!is_dir || n >= sizeof buf)
            return false;
        memcpy(buf, pat, n - 1);
        buf[n - 1] = '\0';
        pat = buf;
    }
    if (strchr(pat, '/')) {
        while (path[0] == '.' && path[1] == '/')
            path += 2;
        return fnmatch(pat, path, FNM_PATHNAME) == 0;
    }
    return fnmatch(pat, name, 0) == 0;
}

static bool excluded(const walk_ctx *w, const char *path, const char *name, bool is_dir)
{
    for (size_t i = 0; i < sizeof default_excludes / sizeof *default_excludes; i++)
        if (strcmp(name, default_excludes[i]) == 0)
            return true;
    for (size_t i = 0; i < w->excludes->n; i++)
        if (glob_match(w->excludes->v[i], path, name, is_dir))
            return true;
    return false;
}

/* Records a directory; false when it was searched before (or out of memory: -1 in *rc). */
static bool first_visit(walk_ctx *w, const struct stat *st, int *rc)
{
    for (size_t i = 0; i < w->nseen; i++)
        if (w->seen_dev[i] == st->st_dev && w->seen_ino[i] == st->st_ino)
            return false;
    if (w->nseen == w->capseen) {
        size_t cap = w->capseen ? w->capseen * 2 : 64;
        dev_t *d = realloc(w->seen_dev, cap * sizeof *d);
        if (d)
            w->seen_dev = d;
        ino_t *i = d ? realloc(w->seen_ino, cap * sizeof *i) : NULL;
        if (!i) {
            *rc = -1;
            return false;
        }
        w->seen_ino = i;
        w->capseen = cap;
    }
    w->seen_dev[w->nseen] = st->st_dev;
    w->seen_ino[w->nseen++] = st->st_ino;
    return true;
}

/* Collect *.py below `dir` in sorted order. Skipped: hidden entries, the default excludes
 * and --exclude matches, and symbolic links unless --follow-symlinks (then each directory
 * is searched once, so a link loop ends). */
static int walk_dir(walk_ctx *w, pathlist *out, const char *dir, int depth)
{
    if (depth > MAX_DIR_DEPTH) {
        fprintf(stderr, "pyverify: %s: directories nested deeper than %d; skipped\n", dir,
                MAX_DIR_DEPTH);
        return 1;
    }
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "pyverify: %s: cannot open directory\n", dir);
        return 1;
    }
    pathlist names = { 0 };
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (pl_add(&names, e->d_name) < 0) {
            rc = -1;
            break;
        }
    }
    closedir(d);
    if (names.n)
        qsort(names.v, names.n, sizeof *names.v, cmp_str);
    for (size_t i = 0; i < names.n && rc >= 0; i++) {
        size_t len = strlen(dir) + strlen(names.v[i]) + 2;
        char *p = malloc(len);
        if (!p) {
            rc = -1;
            break;
        }
        snprintf(p, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", names.v[i]);
        struct stat st;
        bool ok = lstat(p, &st) == 0;
        if (ok && S_ISLNK(st.st_mode))
            ok = w->follow && stat(p, &st) == 0;
        if (ok && excluded(w, p, names.v[i], S_ISDIR(st.st_mode)))
            ok = false;
        if (ok && S_ISDIR(st.st_mode)) {
            if (first_visit(w, &st, &rc)) {
                int r = walk_dir(w, out, p, depth + 1);
                if (r != 0)
                    rc = r < 0 ? r : (rc ? rc : r);
            }
        } else if (ok && S_ISREG(st.st_mode) && ends_with_py(p)) {
            if (pl_add(out, p) < 0)
                rc = -1;
        }
        free(p);
    }
    for (size_t i = 0; i < names.n; i++)
        free(names.v[i]);
    free(names.v);
    return rc;
}

/* The help text; docs/pyverify.1 documents the same options (tests/cli/test_docs.sh). */
static void usage(FILE *f)
{
    fputs("usage: pyverify [OPTIONS] PATH...\n"
          "       pyverify run [OPTIONS] FILE|-      verify, then run in a sandbox\n"
          "       pyverify serve [OPTIONS]           an HTTP service that verifies and runs\n"
          "       pyverify corpus [OPTIONS] PATH...  check the escape and benign corpus\n"
          "       pyverify --show-config [PATH...]\n"
          "       pyverify --explain CODE | --print-rules | --list-rules | --version | --help\n"
          "\n"
          "Checks Python files against a whitelist policy. A directory is searched for *.py;\n"
          "'-' reads standard input. Exit status: 0 all accepted, 1 a file was rejected,\n"
          "2 usage or input error (unreadable file, NUL bytes, undecodable bytes, bad rules).\n"
          "The policy of each file is found by walking up from it to the first pyverify.toml,\n"
          "or pyproject.toml with a [tool.pyverify] table; none: the embedded default.\n"
          "\n"
          "  --rules FILE        policy rules file for every file (no configuration discovery)\n"
          "  --show-config       print which policy each PATH gets and where it came from\n"
          "  --mode MODE         module (default) or expr: each file is a single expression\n"
          "  --format FMT        text (default), json or sarif (SARIF 2.1.0)\n"
          "  --layers LIST       static layers to run: ast, bytecode or ast,bytecode (default)\n"
          "  --global NAME       a name the host binds as a global input (repeatable)\n"
          "  --exclude GLOB      skip what a directory search finds whose name (or, for a\n"
          "                      GLOB with '/', path) matches; repeatable; added to the\n"
          "                      defaults (.git, .venv, venv, build, dist, node_modules, ...)\n"
          "  --follow-symlinks   follow symbolic links found in a directory search\n"
          "  --pyc               each FILE is compiled code (.pyc, or marshalled code without\n"
          "                      the header) of this CPython: verify its structure and policy\n"
          "  --pyc-structure     like --pyc, structural checks only (no policy)\n"
          "  --color WHEN        auto (default: on a terminal, unless NO_COLOR is set),\n"
          "                      always or never\n"
          "  -q, --quiet         print only the first line of each diagnostic, no summary\n"
          "  --statistics        print how often each rule code was reported\n"
          "  -j, --jobs N        check files in N worker processes (default: the number of\n"
          "                      cores; 1: no workers); output order does not change\n"
          "  --explain CODE      describe a rule, with an example of what it rejects\n"
          "  --print-rules       print the embedded default rules file\n"
          "  --list-rules        list every rule code with its title\n"
          "  --version           print pyverify's and the embedded CPython's versions\n"
          "  -h, --help          print this help\n"
          "\n"
          "Subcommands: run, serve, corpus; 'pyverify SUBCOMMAND --help' lists their options.\n",
          f);
}

static int explain(const char *code)
{
    const pv_rule_info *r = pv_rule_find(code);
    if (!r) {
        fprintf(stderr, "pyverify: unknown rule code '%s' (see --list-rules)\n", code);
        return 2;
    }
    printf("%s: %s\n\n%s\n\nhint: %s\nlayer: %s; verdict: %s (exit %d)\n", r->code, r->title,
           r->explanation, r->hint, pv_cli_layer_name(r->layer), pv_cli_verdict_name(r->verdict),
           r->verdict == PV_INVALID ? 2 : 1);
    return 0;
}

static unsigned parse_layers(const char *s)
{
    if (strcmp(s, "ast") == 0) return PV_LAYER_AST;
    if (strcmp(s, "bytecode") == 0) return PV_LAYER_BYTECODE;
    if (strcmp(s, "ast,bytecode") == 0 || strcmp(s, "bytecode,ast") == 0) return PV_LAYER_STATIC;
    return 0;
}

enum fmt { FMT_TEXT, FMT_JSON, FMT_SARIF };

typedef struct run_cfg {
    enum fmt fmt;
    unsigned print_flags; /* PV_CLI_COLOR, PV_CLI_QUIET */
    pv_verify_opts vo;
    int pyc;              /* --pyc: 1 (structure and policy), 2 (--pyc-structure) */
} run_cfg;

/* Verify one file into a record: {"path", "verdict", "policy", "diagnostics",
 * "error"? (unreadable), "text"? (FMT_TEXT: the rendered diagnostics)}. With FMT_TEXT each
 * diagnostic is only {"code"}. */
static json_t *check_one(const run_cfg *rc_, const pv_policy *policy, const char *path,
                         const char *cfg_err)
{
    const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
    char *buf = NULL, err[1024];
    size_t len = 0;
    if (!policy || pv_cli_read(path, READ_CAP, &buf, &len, err, sizeof err) < 0) {
        if (!policy)
            snprintf(err, sizeof err, "%s: %s", shown, cfg_err ? cfg_err : "no policy");
        return json_pack("{s:s, s:s, s:s, s:[]}", "path", shown, "verdict", "invalid", "error",
                         err, "diagnostics");
    }
    pv_program *prog = NULL;
    int rc = rc_->pyc ? pv_verify_pyc(&prog, policy, buf, len, shown, PV_PYC_HEADER_AUTO,
                                      rc_->pyc == 2 ? PV_PYC_STRUCTURE_ONLY : 0u)
                      : pv_verify(&prog, policy, buf, len, shown, &rc_->vo);
    free(buf);
    if (rc < 0) {
        snprintf(err, sizeof err, "%s: %s", shown, pv_last_error());
        return json_pack("{s:s, s:s, s:s, s:[]}", "path", shown, "verdict", "invalid", "error",
                         err, "diagnostics");
    }
    pv_verdict v = pv_program_verdict(prog);
    size_t nd = pv_program_diag_count(prog);
    json_t *jd = json_array();
    char *text = NULL;
    size_t tlen = 0;
    FILE *ts = rc_->fmt == FMT_TEXT && nd ? open_memstream(&text, &tlen) : NULL;
    for (size_t k = 0; k < nd; k++) {
        const pv_diag *d = pv_program_diag(prog, k);
        /* Text output prints the rendered text; the record's diagnostics are then only
         * counted and, for --statistics, tallied by code. Full objects cost more to build,
         * and with -j to write and parse again, than verifying the file. */
        json_array_append_new(jd, rc_->fmt == FMT_TEXT ? json_pack("{s:s}", "code", d->code)
                                                       : pv_cli_diag_json(d));
        if (ts)
            pv_cli_print_diag_ex(ts, prog, d, rc_->print_flags);
    }
    if (ts)
        fclose(ts);
    json_t *rec = json_pack("{s:s, s:s, s:s, s:o}", "path", shown, "verdict",
                            pv_cli_verdict_name(v), "policy", pv_policy_origin(policy),
                            "diagnostics", jd);
    if (rec && text)
        json_object_set_new(rec, "text", json_stringn(text, tlen));
    free(text);
    pv_program_free(prog);
    return rec;
}

/* Writes a record for the parent: one compact JSON line, without "text" but with its length
 * "tlen", then the text's bytes as they are. Escaping the rendered diagnostics into JSON
 * and parsing them back cost more than verifying the files. */
static void emit(FILE *f, json_t *r)
{
    json_t *t = json_object_get(r, "text");
    size_t tlen = t ? json_string_length(t) : 0;
    if (t) {
        json_incref(t);
        json_object_del(r, "text");
        json_object_set_new(r, "tlen", json_integer((json_int_t)tlen));
    }
    json_dumpf(r, f, JSON_COMPACT);
    fputc('\n', f);
    if (t) {
        fwrite(json_string_value(t), 1, tlen, f);
        json_decref(t);
    }
}

/* Reads a worker's records (emit()) into recs by their "i". A record that cannot be read
 * ends the reading: the files whose records are missing are checked again by the caller. */
static void collect(FILE *f, json_t **recs, size_t n)
{
    char *line = NULL, *text = NULL;
    size_t cap = 0;
    ssize_t len;
    rewind(f);
    while ((len = getline(&line, &cap, f)) > 0) {
        json_t *r = json_loadb(line, (size_t)len, 0, NULL);
        if (!r)
            break;
        json_int_t tlen = json_integer_value(json_object_get(r, "tlen"));
        json_object_del(r, "tlen");
        if (tlen > 0) {
            /* validated as UTF-8 by the worker's json_stringn() */
            text = malloc((size_t)tlen);
            json_t *t = text && fread(text, 1, (size_t)tlen, f) == (size_t)tlen
                            ? json_stringn_nocheck(text, (size_t)tlen) : NULL;
            free(text);
            text = NULL;
            if (!t || json_object_set_new(r, "text", t) < 0) {
                json_decref(r);
                break;
            }
        }
        json_int_t i = json_integer_value(json_object_get(r, "i"));
        if (json_object_get(r, "i") && i >= 0 && (size_t)i < n && !recs[i]) {
            json_object_del(r, "i");
            recs[i] = r;
        } else {
            json_decref(r);
        }
    }
    free(line);
}

/* Phase 2 with `jobs` worker processes; returns -1 when they could not be started (the
 * caller then checks the files itself). */
static int check_parallel(const run_cfg *rc_, const pv_policy **pols, char **errs,
                          const pathlist *files, json_t **recs, long jobs)
{
    FILE **out = calloc((size_t)jobs, sizeof *out);
    pid_t *pids = calloc((size_t)jobs, sizeof *pids);
    long started = 0;
    if (!out || !pids)
        goto fail;
    fflush(stdout);
    fflush(stderr);
    for (long w = 0; w < jobs; w++) {
        out[w] = tmpfile();
        if (!out[w])
            goto fail;
        PyGILState_STATE gs = PyGILState_Ensure();
        PyOS_BeforeFork();
        pid_t pid = fork();
        if (pid == 0) {
            PyOS_AfterFork_Child();
            for (size_t i = (size_t)w; i < files->n; i += (size_t)jobs) {
                json_t *r = check_one(rc_, pols[i], files->v[i], errs[i]);
                if (!r)
                    continue;
                json_object_set_new(r, "i", json_integer((json_int_t)i));
                emit(out[w], r);
                json_decref(r);
            }
            _exit(fflush(out[w]) == 0 ? 0 : 1);
        }
        PyOS_AfterFork_Parent();
        PyGILState_Release(gs);
        if (pid < 0)
            goto fail;
        pids[w] = pid;
        started++;
    }
    for (long w = 0; w < jobs; w++) {
        int st;
        while (waitpid(pids[w], &st, 0) < 0 && errno == EINTR)
            ;
        collect(out[w], recs, files->n);
        fclose(out[w]);
    }
    free(out);
    free(pids);
    return 0;
fail:
    for (long w = 0; w < started; w++) {
        int st;
        kill(pids[w], SIGKILL);
        waitpid(pids[w], &st, 0);
    }
    for (long w = 0; out && w < jobs; w++)
        if (out[w])
            fclose(out[w]);
    free(out);
    free(pids);
    return -1;
}

typedef struct stat_ent {
    const char *code, *title;
    size_t n;
} stat_ent;

static int cmp_stat(const void *a, const void *b)
{
    const stat_ent *x = a, *y = b;
    if (x->n != y->n)
        return x->n < y->n ? 1 : -1;
    return strcmp(x->code, y->code);
}

/* --statistics: per rule code, how many diagnostics, most frequent first. */
static json_t *statistics(json_t **recs, size_t n, FILE *out)
{
    size_t nr = pv_rule_count();
    stat_ent *st = calloc(nr ? nr : 1, sizeof *st);
    json_t *j = json_object();
    if (!st || !j) {
        free(st);
        return j;
    }
    for (size_t i = 0; i < nr; i++) {
        st[i].code = pv_rule_at(i)->code;
        st[i].title = pv_rule_at(i)->title;
    }
    for (size_t i = 0; i < n; i++) {
        size_t k;
        json_t *d;
        json_array_foreach(json_object_get(recs[i], "diagnostics"), k, d) {
            const char *code = json_string_value(json_object_get(d, "code"));
            for (size_t r = 0; code && r < nr; r++)
                if (strcmp(st[r].code, code) == 0) {
                    st[r].n++;
                    break;
                }
        }
    }
    qsort(st, nr, sizeof *st, cmp_stat);
    for (size_t r = 0; r < nr && st[r].n; r++) {
        if (out)
            fprintf(out, "%7zu  %s  %s\n", st[r].n, st[r].code, st[r].title);
        json_object_set_new(j, st[r].code, json_integer((json_int_t)st[r].n));
    }
    free(st);
    return j;
}

/* --show-config: "PATH: ORIGIN" for each path; exit 2 when a configuration is broken. */
static int show_config(pv_cfg *cfg, const pv_policy *fixed, char **paths, int n)
{
    static char *dot[] = { "." };
    int status = 0;
    if (n == 0) {
        paths = dot;
        n = 1;
    }
    for (int i = 0; i < n; i++) {
        const pv_policy *p = fixed;
        char err[1024];
        if (!p && pv_cfg_policy(cfg, strcmp(paths[i], "-") == 0 ? "." : paths[i], &p, err,
                                sizeof err) < 0) {
            fprintf(stderr, "pyverify: %s\n", err);
            status = 2;
            continue;
        }
        printf("%s: %s\n", paths[i], pv_policy_origin(p));
    }
    return status;
}

int pv_cli_check(int argc, char **argv)
{
    enum { O_RULES = 1, O_MODE, O_FORMAT, O_LAYERS, O_EXPLAIN, O_PRINT, O_LIST, O_VERSION,
           O_HELP, O_GLOBAL, O_COLOR, O_QUIET, O_STATS, O_JOBS, O_SHOW, O_PYC, O_PYC_STRUCT,
           O_EXCLUDE, O_FOLLOW };
    static const struct option opts[] = {
        { "rules", required_argument, 0, O_RULES }, { "mode", required_argument, 0, O_MODE },
        { "format", required_argument, 0, O_FORMAT }, { "layers", required_argument, 0, O_LAYERS },
        { "explain", required_argument, 0, O_EXPLAIN }, { "print-rules", no_argument, 0, O_PRINT },
        { "list-rules", no_argument, 0, O_LIST }, { "version", no_argument, 0, O_VERSION },
        { "help", no_argument, 0, O_HELP }, { "global", required_argument, 0, O_GLOBAL },
        { "color", required_argument, 0, O_COLOR }, { "quiet", no_argument, 0, O_QUIET },
        { "statistics", no_argument, 0, O_STATS }, { "jobs", required_argument, 0, O_JOBS },
        { "show-config", no_argument, 0, O_SHOW },
        { "pyc", no_argument, 0, O_PYC }, { "pyc-structure", no_argument, 0, O_PYC_STRUCT },
        { "exclude", required_argument, 0, O_EXCLUDE },
        { "follow-symlinks", no_argument, 0, O_FOLLOW },
        { 0, 0, 0, 0 }
    };
    const char *rules = NULL;
    run_cfg rc_ = { FMT_TEXT, 0, PV_VERIFY_OPTS_INIT, 0 };
    int color = -1; /* -1 auto, 0 never, 1 always */
    bool stats = false, show = false;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN), jobs = ncpu > 0 ? ncpu : 1;
    pathlist globals = { 0 }, excludes = { 0 };
    walk_ctx walk = { &excludes, false, NULL, NULL, 0, 0 };
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+hqj:", opts, NULL)) != -1) {
        switch (c) {
        case O_RULES: rules = optarg; break;
        case O_MODE:
            if (strcmp(optarg, "module") == 0) rc_.vo.mode = PV_MODE_MODULE;
            else if (strcmp(optarg, "expr") == 0) rc_.vo.mode = PV_MODE_EXPR;
            else { fprintf(stderr, "pyverify: --mode must be module or expr\n"); return 2; }
            break;
        case O_FORMAT:
            if (strcmp(optarg, "text") == 0) rc_.fmt = FMT_TEXT;
            else if (strcmp(optarg, "json") == 0) rc_.fmt = FMT_JSON;
            else if (strcmp(optarg, "sarif") == 0) rc_.fmt = FMT_SARIF;
            else { fprintf(stderr, "pyverify: --format must be text, json or sarif\n"); return 2; }
            break;
        case O_LAYERS:
            rc_.vo.layers = parse_layers(optarg);
            if (!rc_.vo.layers) {
                fprintf(stderr, "pyverify: --layers must be ast, bytecode or ast,bytecode\n");
                return 2;
            }
            break;
        case O_COLOR:
            if (strcmp(optarg, "auto") == 0) color = -1;
            else if (strcmp(optarg, "always") == 0) color = 1;
            else if (strcmp(optarg, "never") == 0) color = 0;
            else { fprintf(stderr, "pyverify: --color must be auto, always or never\n"); return 2; }
            break;
        case O_QUIET: case 'q': rc_.print_flags |= PV_CLI_QUIET; break;
        case O_STATS: stats = true; break;
        case O_SHOW: show = true; break;
        case O_PYC: rc_.pyc = 1; break;
        case O_PYC_STRUCT: rc_.pyc = 2; break;
        case O_JOBS: case 'j': {
            char *end;
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || v < 0 || v > 256) {
                fprintf(stderr, "pyverify: --jobs must be a number from 0 to 256\n");
                return 2;
            }
            jobs = v ? v : (ncpu > 0 ? ncpu : 1);
            break;
        }
        case O_EXPLAIN: return explain(optarg);
        case O_PRINT: {
            size_t n;
            const char *t = pv_default_rules(&n);
            fwrite(t, 1, n, stdout);
            return 0;
        }
        case O_LIST:
            for (size_t i = 0; i < pv_rule_count(); i++)
                printf("%s  %s\n", pv_rule_at(i)->code, pv_rule_at(i)->title);
            return 0;
        case O_VERSION: {
            pv_policy *dp = NULL;
            const char *why = NULL, *origin;
            printf("pyverify %s (CPython %s)\n", pv_version(), pv_python_version());
            /* a stale build-time table is never used, only slower: say which one is */
            if (pv_init() == 0 && pv_policy_default(&dp) == 0) {
                origin = pv_policy_default_origin(&why);
                if (strcmp(origin, "build") == 0)
                    printf("default policy tables: from the build (key matched)\n");
                else
                    printf("default policy tables: derived at start-up (%s)\n", why);
            }
            pv_policy_free(dp);
            return 0;
        }
        case O_HELP:
        case 'h': usage(stdout); return 0;
        case O_GLOBAL:
            if (pl_add(&globals, optarg) < 0) return 2;
            break;
        case O_EXCLUDE:
            if (!*optarg || strlen(optarg) >= PATH_MAX) {
                fprintf(stderr, "pyverify: --exclude needs a glob pattern\n");
                return 2;
            }
            if (pl_add(&excludes, optarg) < 0) return 2;
            break;
        case O_FOLLOW: walk.follow = true; break;
        default:
            fprintf(stderr, "pyverify: unknown or incomplete option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return 2;
        }
    }
    if (optind >= argc && !show) {
        usage(stderr);
        return 2;
    }
    if (color < 0) {
        const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
        color = isatty(STDOUT_FILENO) && !(nc && *nc) && !(term && strcmp(term, "dumb") == 0);
    }
    if (color && rc_.fmt == FMT_TEXT)
        rc_.print_flags |= PV_CLI_COLOR;
    rc_.vo.globals = (const char *const *)globals.v;
    rc_.vo.nglobals = globals.n;

    int status = 0;
    pathlist files = { 0 };
    for (int i = optind; i < argc && !show; i++) {
        struct stat st;
        if (strcmp(argv[i], "-") != 0 && stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            int r = 0;
            /* a directory named on the command line is searched even when a default
             * exclude would skip it; named twice, it is searched once */
            if (first_visit(&walk, &st, &r))
                r = walk_dir(&walk, &files, argv[i], 0);
            if (r < 0) { fprintf(stderr, "pyverify: out of memory\n"); return 2; }
            if (r > 0) status = 2;
        } else if (pl_add(&files, argv[i]) < 0) {
            fprintf(stderr, "pyverify: out of memory\n");
            return 2;
        }
    }

    pv_policy *fixed = NULL;
    pv_cfg *cfg = NULL;
    const pv_policy **pols = NULL;
    char **errs = NULL;
    json_t **recs = NULL;
    pathlist reported = { 0 };
    char err[1024];
    if (pv_init() < 0) {
        fprintf(stderr, "pyverify: %s\n", pv_last_error());
        return 2;
    }
    if (rules ? pv_policy_load_file(&fixed, rules) < 0 : pv_cfg_new(&cfg, err, sizeof err) < 0) {
        fprintf(stderr, "pyverify: %s\n", rules ? pv_last_error() : err);
        pv_shutdown();
        return 2;
    }
    if (show) {
        status = show_config(cfg, fixed, argv + optind, argc - optind);
        goto out;
    }

    /* Phase 1: each file's policy, found and loaded here, before any worker exists. */
    pols = calloc(files.n ? files.n : 1, sizeof *pols);
    errs = calloc(files.n ? files.n : 1, sizeof *errs);
    recs = calloc(files.n ? files.n : 1, sizeof *recs);
    if (!pols || !errs || !recs) {
        fprintf(stderr, "pyverify: out of memory\n");
        status = 2;
        goto out;
    }
    for (size_t i = 0; i < files.n; i++) {
        if (fixed) {
            pols[i] = fixed;
            continue;
        }
        int r = pv_cfg_policy(cfg, strcmp(files.v[i], "-") == 0 ? "." : files.v[i], &pols[i],
                              err, sizeof err);
        /* A broken configuration is reported once, not once per file under it. */
        bool seen = false;
        for (size_t k = 0; r == -1 && k < reported.n && !seen; k++)
            seen = strcmp(reported.v[k], err) == 0;
        if (r == -1 && !seen) {
            fprintf(stderr, "pyverify: %s\n", err);
            if (pl_add(&reported, err) < 0)
                status = 2;
        }
        if (r < 0) {
            pols[i] = NULL;
            errs[i] = strdup(err);
        }
    }

    /* Phase 2: verification, in workers when that can help. Standard input is read by
     * the parent's own process only. */
    bool has_stdin = false;
    for (size_t i = 0; i < files.n; i++)
        has_stdin |= strcmp(files.v[i], "-") == 0;
    if ((size_t)jobs > files.n)
        jobs = (long)files.n;
    if (jobs > 1 && !has_stdin)
        check_parallel(&rc_, pols, errs, &files, recs, jobs);
    for (size_t i = 0; i < files.n; i++)
        if (!recs[i])
            recs[i] = check_one(&rc_, pols[i], files.v[i], errs[i]);

    /* Phase 3: output in file order. */
    size_t n_acc = 0, n_rej = 0, n_inv = 0, n_diag = 0;
    json_t *jfiles = json_array();
    for (size_t i = 0; i < files.n; i++) {
        json_t *r = recs[i];
        if (!r) {
            fprintf(stderr, "pyverify: %s: out of memory\n", files.v[i]);
            status = 2;
            n_inv++;
            continue;
        }
        const char *v = json_string_value(json_object_get(r, "verdict"));
        const char *e = json_string_value(json_object_get(r, "error"));
        const char *text = json_string_value(json_object_get(r, "text"));
        if (e && !(errs[i] && !pols[i]))
            fprintf(stderr, "pyverify: %s\n", e);
        if (strcmp(v, "accepted") == 0) n_acc++;
        else if (strcmp(v, "rejected") == 0) n_rej++;
        else n_inv++;
        if (strcmp(v, "invalid") == 0) status = 2;
        else if (strcmp(v, "rejected") == 0 && status == 0) status = 1;
        n_diag += json_array_size(json_object_get(r, "diagnostics"));
        if (text)
            fputs(text, stdout);
        json_object_del(r, "text");
        json_array_append(jfiles, r);
    }
    if (rc_.fmt == FMT_JSON) {
        const char *origin = fixed ? pv_policy_origin(fixed) : NULL;
        for (size_t i = 0; !fixed && i < files.n; i++) {
            const char *o = pols[i] ? pv_policy_origin(pols[i]) : NULL;
            if (o && (!origin || strcmp(o, origin) == 0))
                origin = o;
            else if (o)
                origin = "<several>";
        }
        json_t *doc = json_pack("{s:s, s:s, s:s, s:O, s:{s:I, s:I, s:I, s:I, s:I}}",
                                "pyverify", pv_version(), "python", pv_python_version(),
                                "policy", origin ? origin : "<default>", "files", jfiles,
                                "summary", "files", (json_int_t)files.n, "accepted",
                                (json_int_t)n_acc, "rejected", (json_int_t)n_rej, "invalid",
                                (json_int_t)n_inv, "diagnostics", (json_int_t)n_diag);
        if (doc && stats)
            json_object_set_new(doc, "statistics", statistics(recs, files.n, NULL));
        if (!doc || json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII) < 0) {
            fprintf(stderr, "pyverify: cannot write JSON output\n");
            status = 2;
        }
        fputc('\n', stdout);
        json_decref(doc);
    } else if (rc_.fmt == FMT_SARIF) {
        json_t *doc = pv_cli_sarif(jfiles, status != 2);
        if (!doc || json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII) < 0) {
            fprintf(stderr, "pyverify: cannot write SARIF output\n");
            status = 2;
        }
        fputc('\n', stdout);
        json_decref(doc);
        if (stats)
            json_decref(statistics(recs, files.n, stderr));
    } else {
        if (n_diag && !(rc_.print_flags & PV_CLI_QUIET))
            printf("pyverify: %zu file%s checked: %zu accepted, %zu rejected, %zu invalid; "
                   "%zu diagnostic%s\n", files.n, files.n == 1 ? "" : "s", n_acc, n_rej, n_inv,
                   n_diag, n_diag == 1 ? "" : "s");
        else if (files.n && n_acc == files.n && !(rc_.print_flags & PV_CLI_QUIET))
            printf("All checks passed: %zu file%s\n", files.n, files.n == 1 ? "" : "s");
        else if (!files.n && !(rc_.print_flags & PV_CLI_QUIET))
            fprintf(stderr, "pyverify: warning: no Python files found\n");
        if (stats)
            json_decref(statistics(recs, files.n, stdout));
    }
    json_decref(jfiles);
out:
    for (size_t i = 0; i < files.n; i++) {
        if (recs)
            json_decref(recs[i]);
        if (errs)
            free(errs[i]);
        free(files.v[i]);
    }
    for (size_t i = 0; i < reported.n; i++)
        free(reported.v[i]);
    free(reported.v);
    free(recs);
    free(errs);
    free(pols);
    free(files.v);
    pv_cfg_free(cfg);
    pv_policy_free(fixed);
    /* The process ends here: finalising the interpreter would only free memory the kernel
     * takes back anyway (7 M instructions, about a seventh of checking one small file).
     * Python's own streams are flushed; nothing else of it is pending (no threads, no
     * atexit handlers). */
    PyGILState_STATE gs = PyGILState_Ensure();
    (void)PyRun_SimpleString("import sys\nfor s in (sys.stdout, sys.stderr):\n"
                             "    try: s.flush()\n    except Exception: pass\n");
    PyErr_Clear();
    PyGILState_Release(gs);
    for (size_t i = 0; i < globals.n; i++)
        free(globals.v[i]);
    free(globals.v);
    for (size_t i = 0; i < excludes.n; i++)
        free(excludes.v[i]);
    free(excludes.v);
    free(walk.seen_dev);
    free(walk.seen_ino);
    fflush(stdout);
    return status;
}
