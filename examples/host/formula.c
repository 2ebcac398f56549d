/*
 * formula.c: a host program that lets its users type spreadsheet-style formulas.
 *
 *   formula 'EXPR' [NAME=NUMBER]...
 *
 * The formula is verified as one expression in which the NAMEs are the only inputs; a
 * rejected formula is reported with pyverify's diagnostics (exit 1). An accepted one is
 * evaluated with pv_run() in a sandboxed child, with the inputs bound as globals, and its
 * value printed as JSON (exit 0; 3 when the run did not end normally; 2 for usage errors).
 *
 * Build against an installed libpyverify:
 *   cc formula.c $(pkg-config --cflags --libs pyverify) -o formula
 * or with CMake: find_package(pyverify) and link pyverify::pyverify (CMakeLists.txt here).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pyverify.h>

#define MAX_INPUTS 32

int main(int argc, char **argv)
{
    const char *names[MAX_INPUTS];
    char json[4096];
    size_t nnames = 0, jl = 0;
    int status = 2;
    pv_policy *policy = NULL;
    pv_program *prog = NULL;
    pv_run_result *res = NULL;

    if (argc < 2 || argc - 2 > MAX_INPUTS) {
        fprintf(stderr, "usage: %s 'EXPR' [NAME=NUMBER]...  (at most %d inputs)\n", argv[0],
                MAX_INPUTS);
        return 2;
    }
    /* The inputs: NAME=NUMBER pairs become a JSON object; values must be numbers. */
    jl = (size_t)snprintf(json, sizeof json, "{");
    for (int i = 2; i < argc; i++) {
        char *eq = strchr(argv[i], '='), *end;
        if (!eq || eq == argv[i]) {
            fprintf(stderr, "formula: '%s' is not NAME=NUMBER\n", argv[i]);
            return 2;
        }
        *eq = '\0';
        double v = strtod(eq + 1, &end);
        if (end == eq + 1 || *end) {
            fprintf(stderr, "formula: '%s' is not a number\n", eq + 1);
            return 2;
        }
        names[nnames++] = argv[i];
        /* pv_run() refuses keys that are not identifiers, so no escaping is needed here
         * for the names it accepts; a quote would make the JSON invalid and be refused. */
        int w = snprintf(json + jl, sizeof json - jl, "%s\"%s\": %.17g", nnames > 1 ? ", " : "",
                         argv[i], v);
        if (w < 0 || (size_t)w >= sizeof json - jl) {
            fprintf(stderr, "formula: inputs too long\n");
            return 2;
        }
        jl += (size_t)w;
    }
    if (jl + 2 > sizeof json)
        return 2;
    json[jl++] = '}';
    json[jl] = '\0';

    if (pv_init() < 0 || pv_policy_default(&policy) < 0) {
        fprintf(stderr, "formula: %s\n", pv_last_error());
        goto done;
    }
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    vo.mode = PV_MODE_EXPR;
    vo.globals = names;
    vo.nglobals = nnames;
    if (pv_verify(&prog, policy, argv[1], strlen(argv[1]), "<formula>", &vo) < 0) {
        fprintf(stderr, "formula: %s\n", pv_last_error());
        goto done;
    }
    if (pv_program_verdict(prog) != PV_ACCEPTED) {
        for (size_t i = 0; i < pv_program_diag_count(prog); i++) {
            const pv_diag *d = pv_program_diag(prog, i);
            printf("rejected: %s:%u: %s %s\n", d->file, d->col, d->code, d->message);
            if (d->hint)
                printf("  hint: %s\n", d->hint);
        }
        status = 1;
        goto done;
    }
    pv_run_opts ro = PV_RUN_OPTS_INIT;
    ro.input_json = json;
    ro.timeout_s = 5;
    if (pv_run(&res, prog, &ro) < 0) {
        fprintf(stderr, "formula: %s\n", pv_last_error());
        goto done;
    }
    if (pv_run_result_status(res) == PV_RUN_OK && pv_run_result_value(res)) {
        printf("%s\n", pv_run_result_value(res));
        status = 0;
    } else {
        const char *et = pv_run_result_exception_type(res);
        const char *em = pv_run_result_exception_message(res);
        printf("run: %s%s%s%s%s\n", pv_run_status_name(pv_run_result_status(res)),
               et ? ": " : "", et ? et : "", em ? ": " : "", em ? em : "");
        status = 3;
    }
done:
    pv_run_result_free(res);
    pv_program_free(prog);
    pv_policy_free(policy);
    pv_shutdown();
    return status;
}
