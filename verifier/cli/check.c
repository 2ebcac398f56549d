/*
 * check.c: `pyverify [options] PATH...`, the pre-commit style checker. One interpreter for
 * all files; each file costs its parse and walk. Exit 0 when every file is accepted, 1 when
 * any is rejected, 2 for usage and input errors (2 wins).
 */
#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"

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

/* Collect *.py below `dir` in sorted order; hidden directories and __pycache__ skipped,
 * symbolic links to directories not followed. */
static int walk_dir(pathlist *out, const char *dir, int depth)
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
        if (e->d_name[0] == '.' || strcmp(e->d_name, "__pycache__") == 0)
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
        if (lstat(p, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                int r = walk_dir(out, p, depth + 1);
                if (r != 0)
                    rc = r < 0 ? r : (rc ? rc : r);
            } else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && ends_with_py(p)) {
                if (pl_add(out, p) < 0)
                    rc = -1;
            }
        }
        free(p);
    }
    for (size_t i = 0; i < names.n; i++)
        free(names.v[i]);
    free(names.v);
    return rc;
}

static void usage(FILE *f)
{
    fputs("usage: pyverify [--rules FILE] [--mode module|expr] [--format text|json]\n"
          "                [--layers ast|bytecode|ast,bytecode] [--global NAME]... PATH...\n"
          "       pyverify run [options] FILE|-     verify, then run in a sandbox (see --help)\n"
          "       pyverify --explain CODE | --print-rules | --list-rules | --version | --help\n"
          "\n"
          "Checks Python files against a whitelist policy. A directory is searched for *.py;\n"
          "'-' reads standard input. Exit status: 0 all accepted, 1 a file was rejected,\n"
          "2 usage or input error (unreadable file, NUL bytes, undecodable bytes, bad rules).\n"
          "\n"
          "  --rules FILE        policy rules file (default: the embedded default policy)\n"
          "  --mode MODE         module (default) or expr: each file is a single expression\n"
          "  --format FMT        text (default) or json\n"
          "  --layers LIST       static layers to run: ast, bytecode or ast,bytecode (default)\n"
          "  --global NAME       a name the host binds as a global input (repeatable)\n"
          "  --explain CODE      describe a rule, with an example of what it rejects\n"
          "  --print-rules       print the embedded default rules file\n"
          "  --list-rules        list every rule code with its title\n"
          "  --version           print pyverify's and the embedded CPython's versions\n",
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

int pv_cli_check(int argc, char **argv)
{
    enum { O_RULES = 1, O_MODE, O_FORMAT, O_LAYERS, O_EXPLAIN, O_PRINT, O_LIST, O_VERSION,
           O_HELP, O_GLOBAL };
    static const struct option opts[] = {
        { "rules", required_argument, 0, O_RULES }, { "mode", required_argument, 0, O_MODE },
        { "format", required_argument, 0, O_FORMAT }, { "layers", required_argument, 0, O_LAYERS },
        { "explain", required_argument, 0, O_EXPLAIN }, { "print-rules", no_argument, 0, O_PRINT },
        { "list-rules", no_argument, 0, O_LIST }, { "version", no_argument, 0, O_VERSION },
        { "help", no_argument, 0, O_HELP }, { "global", required_argument, 0, O_GLOBAL },
        { 0, 0, 0, 0 }
    };
    const char *rules = NULL;
    bool json = false;
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    pathlist globals = { 0 };
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case O_RULES: rules = optarg; break;
        case O_MODE:
            if (strcmp(optarg, "module") == 0) vo.mode = PV_MODE_MODULE;
            else if (strcmp(optarg, "expr") == 0) vo.mode = PV_MODE_EXPR;
            else { fprintf(stderr, "pyverify: --mode must be module or expr\n"); return 2; }
            break;
        case O_FORMAT:
            if (strcmp(optarg, "text") == 0) json = false;
            else if (strcmp(optarg, "json") == 0) json = true;
            else { fprintf(stderr, "pyverify: --format must be text or json\n"); return 2; }
            break;
        case O_LAYERS:
            vo.layers = parse_layers(optarg);
            if (!vo.layers) {
                fprintf(stderr, "pyverify: --layers must be ast, bytecode or ast,bytecode\n");
                return 2;
            }
            break;
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
        case O_VERSION:
            printf("pyverify %s (CPython %s)\n", pv_version(), pv_python_version());
            return 0;
        case O_HELP:
        case 'h': usage(stdout); return 0;
        case O_GLOBAL:
            if (pl_add(&globals, optarg) < 0) return 2;
            break;
        default:
            fprintf(stderr, "pyverify: unknown or incomplete option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    vo.globals = (const char *const *)globals.v;
    vo.nglobals = globals.n;

    int status = 0;
    pathlist files = { 0 };
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if (strcmp(argv[i], "-") != 0 && stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            int r = walk_dir(&files, argv[i], 0);
            if (r < 0) { fprintf(stderr, "pyverify: out of memory\n"); return 2; }
            if (r > 0) status = 2;
        } else if (pl_add(&files, argv[i]) < 0) {
            fprintf(stderr, "pyverify: out of memory\n");
            return 2;
        }
    }

    pv_policy *policy = NULL;
    if (pv_init() < 0) {
        fprintf(stderr, "pyverify: %s\n", pv_last_error());
        return 2;
    }
    int rc = rules ? pv_policy_load_file(&policy, rules) : pv_policy_default(&policy);
    if (rc < 0) {
        fprintf(stderr, "pyverify: %s\n", pv_last_error());
        pv_shutdown();
        return 2;
    }

    json_t *jfiles = json ? json_array() : NULL;
    size_t n_acc = 0, n_rej = 0, n_inv = 0, n_diag = 0;
    for (size_t i = 0; i < files.n; i++) {
        const char *path = files.v[i];
        const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
        char *buf = NULL, err[512];
        size_t len = 0;
        if (pv_cli_read(path, READ_CAP, &buf, &len, err, sizeof err) < 0) {
            fprintf(stderr, "pyverify: %s\n", err);
            status = 2;
            n_inv++;
            if (jfiles)
                json_array_append_new(jfiles, json_pack("{s:s, s:s, s:s, s:[]}", "path", shown,
                                                        "verdict", "invalid", "error", err,
                                                        "diagnostics"));
            continue;
        }
        pv_program *prog = NULL;
        rc = pv_verify(&prog, policy, buf, len, shown, &vo);
        free(buf);
        if (rc < 0) {
            fprintf(stderr, "pyverify: %s: %s\n", shown, pv_last_error());
            status = 2;
            n_inv++;
            continue;
        }
        pv_verdict v = pv_program_verdict(prog);
        if (v == PV_ACCEPTED) n_acc++;
        else if (v == PV_REJECTED) n_rej++;
        else n_inv++;
        if (v == PV_INVALID) status = 2;
        else if (v == PV_REJECTED && status == 0) status = 1;
        size_t nd = pv_program_diag_count(prog);
        n_diag += nd;
        if (jfiles) {
            json_t *jd = json_array();
            for (size_t k = 0; k < nd; k++)
                json_array_append_new(jd, pv_cli_diag_json(pv_program_diag(prog, k)));
            json_array_append_new(jfiles, json_pack("{s:s, s:s, s:o}", "path", shown, "verdict",
                                                    pv_cli_verdict_name(v), "diagnostics", jd));
        } else {
            for (size_t k = 0; k < nd; k++)
                pv_cli_print_diag(stdout, prog, pv_program_diag(prog, k));
        }
        pv_program_free(prog);
    }
    if (jfiles) {
        json_t *doc = json_pack("{s:s, s:s, s:s, s:o, s:{s:I, s:I, s:I, s:I, s:I}}",
                                "pyverify", pv_version(), "python", pv_python_version(),
                                "policy", pv_policy_origin(policy), "files", jfiles, "summary",
                                "files", (json_int_t)files.n, "accepted", (json_int_t)n_acc,
                                "rejected", (json_int_t)n_rej, "invalid", (json_int_t)n_inv,
                                "diagnostics", (json_int_t)n_diag);
        if (!doc || json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII) < 0) {
            fprintf(stderr, "pyverify: cannot write JSON output\n");
            status = 2;
        }
        fputc('\n', stdout);
        json_decref(doc);
    } else if (n_diag) {
        printf("pyverify: %zu file%s checked: %zu accepted, %zu rejected, %zu invalid; %zu diagnostic%s\n",
               files.n, files.n == 1 ? "" : "s", n_acc, n_rej, n_inv, n_diag, n_diag == 1 ? "" : "s");
    }
    pv_policy_free(policy);
    pv_shutdown();
    for (size_t i = 0; i < files.n; i++)
        free(files.v[i]);
    free(files.v);
    for (size_t i = 0; i < globals.n; i++)
        free(globals.v[i]);
    free(globals.v);
    fflush(stdout);
    return status;
}
