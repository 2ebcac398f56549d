/*
 * run.c: `pyverify run`: verify (both static layers) through the public API, then run
 * the verified program in the sandbox and report.
 *
 *   pyverify run [--rules FILE] [--timeout SEC] [--cpu SEC] [--memory MB] [--output KB]
 *                [--stdin FILE] [--input JSON] [--json] [--mode module|expr] [--pyc]
 *                [--unsafe-no-verify] FILE|-
 *   pyverify run --batch [--item-cpu SEC] [limits] FILE.jsonl|-   (batch.c)
 *
 * Exit: 0 the program ran to the end, 1 verification rejected it, 2 usage or input error,
 * 3 the run failed (exception, limit, sandbox kill, or the runtime could not start).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "batch.h"
#include "config.h"
#include "pyverify.h"
#include "run_here.h"

/* Sanitizer builds free everything at the end, for the leak checker (gcc says so with
 * __SANITIZE_ADDRESS__, clang with __has_feature). */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PV_CLI_FULL_CLEANUP 1
#endif
#endif

/* Largest program or --stdin file read (the policy's own source limit applies after). */
#define CLI_READ_CAP (64u * 1024u * 1024u)

/* The help text; docs/pyverify.1's RUN section documents the same options
 * (tests/cli/test_docs.sh). */
static void usage(FILE *f)
{
    fputs("usage: pyverify run [OPTIONS] FILE|-\n"
          "\n"
          "Verifies FILE with both static layers, then runs the very code object that was\n"
          "verified in a sandboxed child. The policy: --rules FILE, else the configuration the\n"
          "checker finds (pyverify.toml, pyproject.toml [tool.pyverify]), else the default.\n"
          "\n"
          "  --rules FILE        policy rules file (no configuration discovery)\n"
          "  --timeout SEC       wall-clock limit (default 2)\n"
          "  --cpu SEC           CPU time limit (default 1)\n"
          "  --memory MB         memory limit (default 256, at least 32)\n"
          "  --output KB         limit of each output stream (default 64)\n"
          "  --stdin FILE        the program's standard input, which input() reads ('-': this\n"
          "                      process's); default: empty\n"
          "  --input JSON        a JSON object whose keys are bound as globals\n"
          "  --json              print one JSON object: status, output, exception, diagnostics,\n"
          "                      the layers that were active\n"
          "  --mode MODE         module (default) or expr: FILE is one expression, its value is\n"
          "                      printed\n"
          "  --pyc               FILE is compiled code (.pyc, or marshalled code without the\n"
          "                      header): verify its structure and policy, then run it\n"
          "  --unsafe-no-verify  skip both static layers (only for the corpus's containment\n"
          "                      cases: the runtime layers alone contain the program)\n"
          "  --batch             FILE is JSON lines {\"source\": EXPR, \"input\": {...}}: every\n"
          "                      expression runs in one sandboxed child with fresh globals;\n"
          "                      one JSON result per line; the limits are the batch's\n"
          "  --item-cpu SEC      with --batch: CPU limit of one expression (default 0.1)\n"
          "  -h, --help          print this help\n"
          "\n"
          "exit: 0 ran to the end, 1 rejected, 2 usage/input error, 3 run failed\n"
          "  (--batch: 0 every item ok, 1 some item not ok, 2 usage error or over the\n"
          "  limits, 3 the batch could not run)\n",
          f);
}

static int parse_seconds(const char *opt, const char *s, double *out)
{
    char *end = NULL;
    double v;
    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v <= 0 || v > 86400) {
        fprintf(stderr, "pyverify run: %s must be a number of seconds in (0, 86400]\n", opt);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_size(const char *opt, const char *s, size_t max, size_t *out)
{
    char *end = NULL;
    unsigned long long v;
    errno = 0;
    if (*s == '-' || *s == '+') {
        fprintf(stderr, "pyverify run: %s must be a positive integer\n", opt);
        return -1;
    }
    v = strtoull(s, &end, 10);
    if (errno || end == s || *end || v == 0 || v > max) {
        fprintf(stderr, "pyverify run: %s must be an integer in [1, %zu]\n", opt, max);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

/* The --input object's keys, for pv_verify's globals. Returns 0 or -1 (message printed). */
static int input_keys(const char *text, json_t **root, const char ***keys, size_t *n)
{
    json_error_t err;
    const char *k;
    json_t *v;
    size_t i = 0;

    *root = json_loads(text, JSON_REJECT_DUPLICATES, &err);
    if (!*root) {
        fprintf(stderr, "pyverify run: --input: %s (column %d)\n", err.text, err.column);
        return -1;
    }
    if (!json_is_object(*root)) {
        fprintf(stderr, "pyverify run: --input must be a JSON object\n");
        return -1;
    }
    *n = json_object_size(*root);
    *keys = calloc(*n + 1, sizeof **keys);
    if (!*keys) {
        fprintf(stderr, "pyverify run: out of memory\n");
        return -1;
    }
    json_object_foreach(*root, k, v) {
        (void)v;
        (*keys)[i++] = k;
    }
    return 0;
}

int pv_cli_run(int argc, char **argv)
{
    enum { O_RULES = 1, O_TIMEOUT, O_CPU, O_MEMORY, O_OUTPUT, O_STDIN, O_INPUT, O_JSON, O_MODE,
           O_UNSAFE, O_HELP, O_PYC, O_BATCH, O_ITEM_CPU };
    static const struct option longopts[] = {
        {"rules", required_argument, 0, O_RULES},   {"timeout", required_argument, 0, O_TIMEOUT},
        {"cpu", required_argument, 0, O_CPU},       {"memory", required_argument, 0, O_MEMORY},
        {"output", required_argument, 0, O_OUTPUT}, {"stdin", required_argument, 0, O_STDIN},
        {"input", required_argument, 0, O_INPUT},   {"json", no_argument, 0, O_JSON},
        {"mode", required_argument, 0, O_MODE},     {"unsafe-no-verify", no_argument, 0, O_UNSAFE},
        {"help", no_argument, 0, O_HELP},           {"pyc", no_argument, 0, O_PYC},
        {"batch", no_argument, 0, O_BATCH},         {"item-cpu", required_argument, 0, O_ITEM_CPU},
        {0, 0, 0, 0}};
    pv_run_opts ro = PV_RUN_OPTS_INIT;
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    const char *rules = NULL, *stdin_path = NULL, *input = NULL, *path, *shown;
    bool json = false, unsafe = false, inited = false, pyc = false, batch = false;
    double item_cpu = 0;
    char *src = NULL, *stdin_data = NULL, err[1024];
    size_t src_len = 0, stdin_len = 0, nkeys = 0;
    const char **keys = NULL;
    json_t *input_root = NULL, *doc = NULL;
    pv_policy *own_policy = NULL; /* --rules */
    pv_cfg *cfg = NULL;           /* configuration discovery, as the checker does */
    const pv_policy *policy = NULL;
    pv_program *prog = NULL;
    pv_run_result *res = NULL;
    int c, rc, status = 2;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case O_RULES: rules = optarg; break;
        case O_TIMEOUT:
            if (parse_seconds("--timeout", optarg, &ro.timeout_s) < 0)
                goto done;
            break;
        case O_CPU:
            if (parse_seconds("--cpu", optarg, &ro.cpu_s) < 0)
                goto done;
            break;
        case O_MEMORY:
            if (parse_size("--memory", optarg, (size_t)1 << 22, &ro.memory_mb) < 0)
                goto done;
            if (ro.memory_mb < 32) {
                fprintf(stderr, "pyverify run: --memory must be at least 32 MB\n");
                goto done;
            }
            break;
        case O_OUTPUT:
            if (parse_size("--output", optarg, 1024u * 1024u, &ro.output_kb) < 0)
                goto done;
            break;
        case O_STDIN: stdin_path = optarg; break;
        case O_INPUT: input = optarg; break;
        case O_JSON: json = true; break;
        case O_MODE:
            if (strcmp(optarg, "module") == 0)
                vo.mode = PV_MODE_MODULE;
            else if (strcmp(optarg, "expr") == 0)
                vo.mode = PV_MODE_EXPR;
            else {
                fprintf(stderr, "pyverify run: --mode must be module or expr\n");
                goto done;
            }
            break;
        case O_UNSAFE: unsafe = true; break;
        case O_PYC: pyc = true; break;
        case O_BATCH: batch = true; break;
        case O_ITEM_CPU:
            if (parse_seconds("--item-cpu", optarg, &item_cpu) < 0)
                goto done;
            break;
        case O_HELP:
        case 'h':
            usage(stdout);
            status = 0;
            goto done;
        default:
            fprintf(stderr, "pyverify run: unknown or incomplete option '%s'\n",
                    argv[optind - 1]);
            usage(stderr);
            goto done;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        goto done;
    }
    path = argv[optind];
    shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
    if (pyc && (unsafe || vo.mode != PV_MODE_MODULE)) {
        fprintf(stderr, "pyverify run: --pyc runs verified module code only (no --unsafe-no-verify, "
                "no --mode expr)\n");
        goto done;
    }
    if (batch && (pyc || unsafe || json || input || stdin_path || vo.mode != PV_MODE_MODULE)) {
        fprintf(stderr, "pyverify run: --batch takes no --pyc, --unsafe-no-verify, --json, "
                        "--input, --stdin or --mode (each line is an expression with its input)\n");
        goto done;
    }
    if (item_cpu > 0 && !batch) {
        fprintf(stderr, "pyverify run: --item-cpu needs --batch\n");
        goto done;
    }
    if (stdin_path && strcmp(stdin_path, "-") == 0 && strcmp(path, "-") == 0) {
        fprintf(stderr, "pyverify run: the program and --stdin cannot both be '-'\n");
        goto done;
    }
    if (input && input_keys(input, &input_root, &keys, &nkeys) < 0)
        goto done;
    if (pv_cli_read(path, CLI_READ_CAP, &src, &src_len, err, sizeof err) < 0) {
        fprintf(stderr, "pyverify run: %s\n", err);
        goto done;
    }
    if (stdin_path) {
        if (pv_cli_read(stdin_path, CLI_READ_CAP, &stdin_data, &stdin_len, err, sizeof err) < 0) {
            fprintf(stderr, "pyverify run: --stdin: %s\n", err);
            goto done;
        }
        if (stdin_len > CLI_READ_CAP) {
            fprintf(stderr, "pyverify run: --stdin: larger than %u bytes\n", CLI_READ_CAP);
            goto done;
        }
        ro.stdin_data = stdin_data;
        ro.stdin_len = stdin_len;
    }
    ro.input_json = input;
    vo.globals = keys;
    vo.nglobals = nkeys;
    if (unsafe) {
        fputs("pyverify run: WARNING: --unsafe-no-verify: BOTH STATIC LAYERS ARE SKIPPED; the "
              "program runs unverified, contained only by the runtime sandbox. Never use this "
              "for real untrusted code.\n",
              stderr);
        vo.layers = PV_LAYER_UNSAFE_NONE;
        ro.flags |= PV_RUN_ALLOW_UNVERIFIED;
    }

    if (pv_init() < 0) {
        fprintf(stderr, "pyverify run: %s\n", pv_last_error());
        goto done;
    }
    inited = true;
    /* The policy: --rules, else the checker's discovery (pyverify.toml, pyproject.toml's
     * [tool.pyverify], their overrides) from the program's directory (standard input: the
     * current directory), else the embedded default. */
    if (rules) {
        if (pv_policy_load_file(&own_policy, rules) < 0) {
            fprintf(stderr, "pyverify run: %s\n", pv_last_error());
            goto done;
        }
        policy = own_policy;
    } else if (pv_cfg_new(&cfg, err, sizeof err) < 0 ||
               pv_cfg_policy(cfg, strcmp(path, "-") == 0 ? "." : path, &policy, err,
                             sizeof err) < 0) {
        fprintf(stderr, "pyverify run: %s\n", err);
        goto done;
    }
    if (batch) {
        status = pv_cli_run_batch(policy, src, src_len, &ro, item_cpu);
        goto done;
    }
    rc = pyc ? pv_verify_pyc(&prog, policy, src, src_len, shown, PV_PYC_HEADER_AUTO, 0u)
             : pv_verify(&prog, policy, src, src_len, shown, &vo);
    if (rc < 0) {
        fprintf(stderr, "pyverify run: %s: %s\n", shown, pv_last_error());
        goto done;
    }

    if (pv_program_verdict(prog) != PV_ACCEPTED) {
        bool invalid = pv_program_verdict(prog) == PV_INVALID;
        status = invalid ? 2 : 1;
        if (json) {
            doc = pv_cli_run_doc(prog, NULL, shown, unsafe);
        } else {
            for (size_t k = 0; k < pv_program_diag_count(prog); k++)
                pv_cli_print_diag(stderr, prog, pv_program_diag(prog, k));
            fprintf(stderr, "pyverify run: status=rejected (%s)\n",
                    invalid ? "the program could not be checked" : "verification failed");
        }
        goto output;
    }
    if (!json)
        for (size_t k = 0; k < pv_program_diag_count(prog); k++)
            pv_cli_print_diag(stderr, prog, pv_program_diag(prog, k));

    /* forked from this process, not from a template: a one-shot run holds no other
       request and no host secret, and its start-up time counts (runtime/run_here.h) */
    rc = pvx_run_here(&res, prog, &ro);
    if (rc < 0) {
        fprintf(stderr, "pyverify run: %s\n", pv_last_error());
        status = rc == PV_ERR_INVALID ? 2 : 3;
        goto done;
    }
    status = pv_run_result_status(res) == PV_RUN_OK ? 0 : 3;
    if (json) {
        doc = pv_cli_run_doc(prog, res, shown, unsafe);
    } else {
        pv_run_status st = pv_run_result_status(res);
        size_t olen, elen;
        const char *out = pv_run_result_stdout(res, &olen);
        const char *errs = pv_run_result_stderr(res, &elen);
        const char *etype = pv_run_result_exception_type(res);
        const char *value = pv_run_result_value(res);
        const char *kill = pv_run_result_kill_reason(res);

        for (size_t i = 0; i < pv_run_result_skipped_count(res); i++)
            fprintf(stderr, "pyverify run: note: layer not active: %s: %s\n",
                    pv_run_result_skipped_step(res, i), pv_run_result_skipped_reason(res, i));
        fwrite(out, 1, olen, stdout);
        if (value)
            printf("%s\n", value);
        fflush(stdout);
        fwrite(errs, 1, elen, stderr);
        fprintf(stderr, "pyverify run: status=%s exit_code=%d signal=%d cpu_ms=%lu "
                        "wall_ms=%lu max_rss_kb=%lu%s%s%s%s",
                pv_run_status_name(st), pv_run_result_exit_code(res),
                pv_run_result_signal(res), pv_run_result_cpu_ms(res),
                pv_run_result_wall_ms(res), pv_run_result_max_rss_kb(res),
                pv_run_result_stdout_truncated(res) ? " stdout_truncated" : "",
                pv_run_result_stderr_truncated(res) ? " stderr_truncated" : "",
                kill ? " reason=" : "", kill ? kill : "");
        if (etype)
            fprintf(stderr, " exception=%s: %s (line %u)", etype,
                    pv_run_result_exception_message(res), pv_run_result_exception_line(res));
        fputc('\n', stderr);
        goto done;
    }
output:
    if (json) {
        if (!doc)
            goto nomem;
        if (json_dumpf(doc, stdout, JSON_COMPACT | JSON_ENSURE_ASCII) < 0) {
            fprintf(stderr, "pyverify run: cannot write JSON output\n");
            status = 2;
        }
        fputc('\n', stdout);
    }
    goto done;
nomem:
    fprintf(stderr, "pyverify run: out of memory\n");
    status = 2;
done:
    fflush(stdout);
#if !defined(__SANITIZE_ADDRESS__) && !defined(PV_CLI_FULL_CLEANUP)
    /* Everything is printed and flushed (stderr is unbuffered): the process ends here,
       without freeing what the exit frees anyway (the result, the program, the policy's
       tables: ~0.3 M instructions) and without the libraries' exit handlers. The runs'
       children and private directories are already gone. Sanitizer builds free it all,
       for the leak checker. */
    if (inited) {
        fflush(stderr);
        _exit(status);
    }
#endif
    json_decref(doc);
    pv_run_result_free(res);
    pv_program_free(prog);
    pv_policy_free(own_policy);
    pv_cfg_free(cfg);
    /* No pv_shutdown(): the process ends when this returns, and finalising the interpreter
       (7.3 M instructions, a fifth of `pyverify run`'s own start-up) frees nothing the exit
       does not. The runs' children and private directories are already gone. */
    (void)inited;
    free(keys);
    json_decref(input_root);
    free(src);
    free(stdin_data);
    return status;
}
